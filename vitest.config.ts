import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Each part keeps its own test setup; extension/ and e2e/ bring their own config files.
const optional = ['extension/vitest.config.ts', 'e2e/vitest.config.ts'].filter((file) => existsSync(file));

export default defineConfig({
  test: {
    // Two cores: the Redis-backed suites and one Chromium at a time.
    maxWorkers: 2,
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      { test: { name: 'shared', include: ['shared/src/**/*.spec.ts', 'docker/**/*.spec.ts'], environment: 'node' } },
      {
        test: {
          name: 'bridge',
          include: ['bridge/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'sim',
          include: ['sim/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 60_000,
        },
      },
      ...optional,
    ],
  },
});

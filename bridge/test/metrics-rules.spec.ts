import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { promtool } from './prometheus-server.ts';

const file = (name: string) => fileURLToPath(new URL(`../../docker/prometheus/${name}`, import.meta.url));

describe('Prometheus alert rules (docker/prometheus/alerts.yml)', () => {
  it('pass promtool check rules', () => {
    expect(promtool(['check', 'rules', file('alerts.yml')])).toMatch(/SUCCESS: 5 rules found/);
  });

  it('pass their unit tests (alerts.test.yml)', () => {
    expect(promtool(['test', 'rules', file('alerts.test.yml')])).toMatch(/SUCCESS/);
  });
});

import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineProject } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import { appShims } from '../wxt.config.ts';

export default defineProject({
  // WxtVitest brings fakeBrowser, auto-imports and '@/'; it does not load wxt.config's Vite plugins or aliases.
  plugins: [WxtVitest({ root: new URL('..', import.meta.url).pathname }), svelte({ configFile: false })],
  // Without the browser condition Svelte resolves its server build and mount() fails in component tests.
  resolve: { conditions: ['browser'], alias: appShims },
  test: {
    name: 'extension',
    root: new URL('..', import.meta.url).pathname,
    include: ['extension/**/*.spec.ts'],
    environment: 'happy-dom',
    testTimeout: 15_000,
    restoreMocks: true,
  },
});

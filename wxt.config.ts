import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'wxt';

const shim = (file: string) => fileURLToPath(new URL(`./extension/shims/${file}`, import.meta.url));

/** @immich/ui imports SvelteKit's $app/* modules; outside SvelteKit these small shims stand in. */
export const appShims = {
  '$app/env': shim('app-env.ts'),
  '$app/environment': shim('app-env.ts'),
  '$app/navigation': shim('app-navigation.ts'),
  '$app/state': shim('app-state.ts'),
};

export default defineConfig({
  srcDir: 'extension',
  publicDir: 'extension/public',
  modules: ['@wxt-dev/module-svelte', '@wxt-dev/webextension-polyfill'],
  // The AMO sources zip: what a reviewer needs to rebuild, not local test artefacts.
  // bridge/dist is the container's bundle: a build artefact, and no part of the extension.
  zip: { excludeSources: ['test-output/**', 'coverage/**', '.data/**', '**/.data/**', 'bridge/dist/**'] },
  vite: () => ({
    plugins: [tailwindcss()],
    resolve: { alias: appShims },
  }),
  manifest: ({ browser, manifestVersion, mode }) => ({
    name: 'Immich Admin Tools',
    description: "See and clear Immich's stuck background jobs, on its own Jobs page and from the toolbar.",
    permissions: ['storage', 'alarms', 'notifications', 'scripting'],
    // The Immich and bridge hosts are only known at run time; WXT drops optional_host_permissions for MV2.
    ...(manifestVersion === 3
      ? { optional_host_permissions: ['http://*/*', 'https://*/*'] }
      : { optional_permissions: ['http://*/*', 'https://*/*'] }),
    // `wxt build --mode e2e` (→ .output/chrome-mv3-e2e) pre-grants loopback so tests never meet a permission prompt.
    host_permissions: mode === 'e2e' ? ['http://localhost/*', 'http://127.0.0.1/*'] : [],
    action: { default_title: 'Immich Admin Tools' },
    // The jobs-page script is registered at run time; its shadow-root CSS must be fetchable by a plain URL.
    web_accessible_resources:
      manifestVersion === 3
        ? [{ resources: ['content-scripts/jobs.css'], matches: ['<all_urls>'] }]
        : ['content-scripts/jobs.css'],
    // AMO wants data_collection_permissions, which needs Firefox 140; Chrome does not know the key.
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'immich-admin-tools@immich-admin-tools.local',
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});

import { fileURLToPath } from 'node:url';

/**
 * The unpacked extension built by global-setup with `wxt build --mode e2e`; IAT_E2E_EXTENSION_DIR points the
 * tests and the bench at another build (with IAT_E2E_SKIP_BUILD=1), e.g. an unminified one to profile.
 */
export const E2E_EXTENSION_DIR =
  process.env.IAT_E2E_EXTENSION_DIR ?? fileURLToPath(new URL('../../.output/chrome-mv3-e2e', import.meta.url));

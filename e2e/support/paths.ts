import { fileURLToPath } from 'node:url';

/** The unpacked extension built by global-setup with `wxt build --mode e2e`. */
export const E2E_EXTENSION_DIR = fileURLToPath(new URL('../../.output/chrome-mv3-e2e', import.meta.url));

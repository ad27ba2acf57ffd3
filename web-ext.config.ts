import { defineWebExtConfig } from 'wxt';

// No display here and in CI: `wxt` (dev) must not try to open a browser.
export default defineWebExtConfig({ disabled: true });

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addInstanceViaOptions, launchExtension } from '../../../e2e/support/browser.ts';
import { E2E_EXTENSION_DIR } from '../../../e2e/support/paths.ts';
import type { DemoInstance } from './instructions.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `pnpm demo --open`: Debian's Chromium with the extension loaded and the demo instance added through its
 * options page, on the Jobs page. It uses the e2e build, which pre-grants loopback (the demo's only hosts), so
 * no permission prompt stands in the way; it is built on first use.
 */
export async function openDemoBrowser(demo: DemoInstance): Promise<{ close(): Promise<void> }> {
  if (!existsSync(E2E_EXTENSION_DIR)) {
    process.stdout.write('Building the extension first (wxt build --mode e2e, about a minute)...\n');
    // NODE_ENV=production: the users' runtime, not Svelte's development build (WXT would set it to the mode).
    execFileSync('node_modules/.bin/wxt', ['build', '--mode', 'e2e'], {
      cwd: repoRoot,
      stdio: 'ignore',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
  const browser = await launchExtension(E2E_EXTENSION_DIR, { headless: false });
  try {
    const page = await addInstanceViaOptions(browser, demo);
    await page.goto(`${demo.immichUrl}/admin/queues`);
  } catch (error) {
    await browser.close();
    throw error;
  }
  return browser;
}

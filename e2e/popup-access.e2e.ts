/**
 * The popup when the extension holds no host access for an instance (never granted, or withdrawn): it says so
 * and offers to grant it, instead of calling the bridge unreachable. The e2e build pre-grants loopback only, so
 * an instance on other hosts is one without access.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchExtension, type ExtensionBrowser } from './support/browser.ts';
import { shot } from './support/shots.ts';

interface StorageGlobal {
  chrome: { storage: { local: { set(items: object): Promise<void> } } };
}

let browser: ExtensionBrowser;
beforeAll(async () => {
  browser = await launchExtension();
});
afterAll(() => browser?.close());

it('says that access was not granted and offers a "Grant access" button', async () => {
  const instance = {
    id: 'nas',
    name: 'NAS',
    immichUrl: 'http://photos.invalid',
    bridgeUrl: 'http://nas.invalid:2285',
    token: 'a-token-of-sixteen+',
  };
  // As the options page stores it (storage item `local:instances`).
  await browser.worker.evaluate(
    (instances) => (globalThis as unknown as StorageGlobal).chrome.storage.local.set({ instances }),
    [instance],
  );
  const popup = await browser.openPage('popup.html');
  const card = popup.getByTestId('instance-card');
  await card.getByRole('button', { name: 'Grant access' }).waitFor();
  expect(await card.getByTestId('connection').textContent()).toContain('No access');
  expect(await card.textContent()).toContain('has no access to http://photos.invalid/* and http://nas.invalid/*');
  expect(await card.textContent()).not.toMatch(/Unreachable|is access granted\?/);
  await shot(popup, 'popup', 'access-not-granted');
});

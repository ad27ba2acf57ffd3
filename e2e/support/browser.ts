/** Debian's Chromium, headless, with the built extension loaded; reusable by every e2e file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { E2E_EXTENSION_DIR } from './paths.ts';

/** The one Chromium API the harness calls inside the service worker. */
interface ChromeGlobal {
  chrome: {
    action: { getBadgeText(details: object): Promise<string> };
    scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[]; js?: string[] }[]> };
  };
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  /** The extension's service worker: drive or inspect the background with `evaluate`. */
  worker: Worker;
  /** Opens an extension page (popup.html, options.html, history.html) in a tab. */
  openPage(path: string): Promise<Page>;
  /** Content scripts the background registered at run time. */
  registeredScripts(): Promise<{ id: string; matches?: string[]; js?: string[] }[]>;
  /** The toolbar badge text as Chromium holds it. */
  badgeText(): Promise<string>;
  close(): Promise<void>;
}

export async function launchExtension(
  extensionDir = E2E_EXTENSION_DIR,
  options: { headless?: boolean } = {},
): Promise<ExtensionBrowser> {
  const home = mkdtempSync(join(tmpdir(), 'iat-e2e-home-'));
  const profile = mkdtempSync(join(tmpdir(), 'iat-e2e-profile-'));
  // Chromium writes crash reports and dconf under $HOME even with its own profile dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    // Headed for `pnpm demo --open`.
    headless: options.headless ?? true,
    env: { ...process.env, HOME: home },
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    worker,
    async openPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    registeredScripts: () =>
      worker.evaluate(() => (globalThis as unknown as ChromeGlobal).chrome.scripting.getRegisteredContentScripts()),
    badgeText: () => worker.evaluate(() => (globalThis as unknown as ChromeGlobal).chrome.action.getBadgeText({})),
    async close() {
      await context.close();
      rmSync(home, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Adds an instance through the options page, as a user would; loopback is pre-granted in the e2e build. Without
 * `bridgeUrl` and `token`, an instance without a bridge.
 */
export async function addInstanceViaOptions(
  browser: ExtensionBrowser,
  instance: { name: string; immichUrl: string; bridgeUrl?: string; token?: string },
): Promise<Page> {
  const page = await browser.openPage('options.html');
  await page.getByRole('button', { name: 'Add instance' }).click();
  await page.locator('input[name="name"]').fill(instance.name);
  await page.locator('input[name="immichUrl"]').fill(instance.immichUrl);
  if (instance.bridgeUrl) await page.locator('input[name="bridgeUrl"]').fill(instance.bridgeUrl);
  if (instance.token) await page.locator('input[name="token"]').fill(instance.token);
  await page.getByRole('button', { name: 'Save and grant access' }).click();
  await page.getByTestId('instance-item').filter({ hasText: instance.name }).getByText('Access granted').waitFor();
  return page;
}

/** A fresh browser with the stack's Immich and bridge added as one instance through the options page. */
export async function launchWithInstance(
  stack: { immich: { url: string }; bridge: { url: string; token: string } },
  name = 'E2E',
): Promise<ExtensionBrowser> {
  const browser = await launchExtension();
  const options = await addInstanceViaOptions(browser, {
    name,
    immichUrl: stack.immich.url,
    bridgeUrl: stack.bridge.url,
    token: stack.bridge.token,
  });
  await options.close();
  return browser;
}

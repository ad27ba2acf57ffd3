/**
 * An instance without a bridge, then with its bridge down: Chromium with the built extension against the
 * simulator's fake Immich over a private redis-server, no bridge running. The extension uses Immich's own API with
 * the admin's session cookie, which the imitation Jobs page sets as Immich's login would; it holds no API key.
 * Screenshots land in test-output/no-bridge/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  addImmichJobs,
  freePort,
  immichJobsFor,
  openImmichQueue,
  scenarios,
  startFakeImmich,
  startRedisServer,
  type FakeImmich,
  type RedisServer,
} from '@immich-admin-tools/sim';
import { cardPanel, cardRoot } from './jobs-page.helpers.ts';
import { addInstanceViaOptions, launchExtension, type ExtensionBrowser } from './support/browser.ts';
import { shot } from './support/shots.ts';

interface StorageGlobal {
  chrome: {
    storage: { local: { get(key: string): Promise<Record<string, unknown>>; set(items: object): Promise<void> } };
  };
}

const OBSERVED_MINUTES = 7;

describe("without a bridge: Immich's own API and the admin's session", () => {
  let redis: RedisServer;
  let immich: FakeImmich;
  let browser: ExtensionBrowser;
  let hung: Awaited<ReturnType<typeof scenarios.hung.start>>;
  let immichPage: Page;
  let popup: Page;
  let instanceId: string;

  const storageGet = (key: string) =>
    browser.worker.evaluate(
      async (k) => (await (globalThis as unknown as StorageGlobal).chrome.storage.local.get(k))[k],
      key,
    );
  const inRedis = async <T>(name: string, read: (queue: ReturnType<typeof openImmichQueue>) => Promise<T>) => {
    const queue = openImmichQueue(redis.url, name);
    try {
      return await read(queue);
    } finally {
      await queue.close();
    }
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    // The key is what a bridge would use; the extension never sends one.
    immich = await startFakeImmich({ redisUrl: redis.url, apiKey: 'e2e-key-of-a-bridge-that-is-not-there' });
    // Smart Search hangs on two jobs (ML down) with more waiting; OCR has failed jobs and more waiting.
    hung = await scenarios.hung.start({ redisUrl: redis.url, queue: 'smartSearch', count: 2, waiting: 5 });
    const failed = await scenarios.failed.start({ redisUrl: redis.url, queue: 'ocr', count: 2 });
    await failed.stop();
    await addImmichJobs(redis.url, 'ocr', immichJobsFor('ocr', 3, 10));
    browser = await launchExtension();
    // The admin signs in to Immich in this browser (the imitation page sets the session cookie).
    immichPage = await browser.context.newPage();
    await immichPage.setViewportSize({ width: 1280, height: 900 });
    await immichPage.goto(`${immich.url}/admin/queues`);
  });
  afterAll(async () => {
    await hung?.stop();
    await browser?.close();
    await immich?.stop();
    await redis?.dispose();
  });

  it('adds an instance without a bridge URL in the options', async () => {
    const options = await addInstanceViaOptions(browser, { name: 'No bridge', immichUrl: immich.url });
    const item = options.getByTestId('instance-item').filter({ hasText: 'No bridge' });
    expect(await item.getByTestId('no-bridge').textContent()).toContain('No bridge: Immich’s own API');
    expect(await item.getByRole('button', { name: 'Test connection' }).count()).toBe(0);
    await shot(options, 'no-bridge', 'options');
    await options.close();

    const [saved] = (await storageGet('instances')) as { id: string; bridgeUrl: string; token: string }[];
    expect(saved).toMatchObject({ bridgeUrl: '', token: '' });
    instanceId = saved!.id;
    // The first poll after saving saw both hung jobs; say the first of them was seen a while ago.
    const key = `sightings:${instanceId}`;
    await expect
      .poll(async () => Object.keys(((await storageGet(key)) as Record<string, object> | undefined)?.smartSearch ?? {}))
      .toHaveLength(2);
    const sightings = (await storageGet(key)) as { smartSearch: Record<string, number> };
    sightings.smartSearch[hung.jobIds[0]!] = Date.now() - OBSERVED_MINUTES * 60_000 - 5_000;
    await browser.worker.evaluate((items) => (globalThis as unknown as StorageGlobal).chrome.storage.local.set(items), {
      [key]: sightings,
    });
  });

  it('shows live counts in the popup, and observed ages labelled as such', async () => {
    popup = await browser.openPage('popup.html');
    const card = popup.getByTestId('instance-card');
    await card.getByTestId('direct').waitFor();
    expect(await card.getByTestId('connection').textContent()).toContain('No bridge');
    const totals = (await card.getByTestId('totals').textContent())?.replace(/\s+/g, '');
    // Smart Search 5 waiting + OCR 3 waiting; 2 active; 2 failed.
    expect(totals).toBe('8waiting2active2failed');
    const smart = card.locator('[data-testid="direct-queue"][data-queue="smartSearch"]');
    const seen = smart.locator(`[data-testid="observed-job"][data-job-id="${hung.jobIds[0]}"]`);
    await seen.getByText(`seen active for at least ${OBSERVED_MINUTES} min`).waitFor();
    expect(await seen.textContent()).toContain('observed');
    expect(await card.getByTestId('observed-hint').textContent()).toContain(
      'The bridge gives exact ages and recovery.',
    );
    await shot(popup, 'no-bridge', 'popup');
  });

  it('pauses and resumes a queue in Redis from the popup', async () => {
    const card = popup.getByTestId('instance-card');
    await card.getByRole('button', { name: 'Pause Smart Search' }).click();
    await card.getByTestId('notice').getByText('smartSearch paused.').waitFor();
    expect(await inRedis('smartSearch', (q) => q.isPaused())).toBe(true);
    await card.getByRole('button', { name: 'Resume Smart Search' }).click();
    await card.getByTestId('notice').getByText('smartSearch resumed.').waitFor();
    expect(await inRedis('smartSearch', (q) => q.isPaused())).toBe(false);
  });

  it('clears failed jobs and leaves the waiting ones', async () => {
    const card = popup.getByTestId('instance-card');
    await card.getByRole('button', { name: 'Clear 2 failed' }).click();
    await card.getByTestId('notice').getByText('Cleared 2 failed jobs of ocr.').waitFor();
    expect(await inRedis('ocr', (q) => q.getFailedCount())).toBe(0);
    expect(await inRedis('ocr', (q) => q.getWaitingCount())).toBe(3);
    await shot(popup, 'no-bridge', 'popup-after-actions');
  });

  it("shows on Immich's Jobs page how long each card's job was seen active, labelled as observed", async () => {
    // The Jobs page script was registered when the instance was saved: load the page again.
    await immichPage.goto(`${immich.url}/admin/queues`);
    const panel = cardPanel(immichPage, 'smart-search');
    const observed = panel.locator('[data-iat-observed]');
    await observed.waitFor({ timeout: 20_000 });
    expect(await observed.textContent()).toMatch(
      new RegExp(`seen active for at least ${OBSERVED_MINUTES} min\\s*observed`),
    );
    expect(await observed.getAttribute('title')).toContain('The bridge gives exact ages and recovery.');
    const summary = immichPage.locator('[data-iat-summary]');
    expect(await summary.locator('[data-iat-connection="direct"]').textContent()).toContain(
      'No bridge: live counts from Immich’s own API',
    );
    expect(await summary.locator('[data-iat-observed-hint]').textContent()).toContain('exact ages and recovery');
    await cardRoot(immichPage, 'smart-search').scrollIntoViewIfNeeded();
    await shot(cardRoot(immichPage, 'smart-search'), 'no-bridge', 'card');
    await shot(immichPage, 'no-bridge', 'queues-page');
  });

  it('still helps when a bridge is configured but down, and says so', async () => {
    const options = await browser.openPage('options.html');
    await options.getByTestId('instance-item').getByRole('button', { name: 'Edit' }).click();
    await options.locator('input[name="bridgeUrl"]').fill(`http://127.0.0.1:${await freePort()}`);
    await options.locator('input[name="token"]').fill('a-token-for-a-bridge-that-is-down');
    await options.getByRole('button', { name: 'Save and grant access' }).click();
    await options.getByTestId('instance-item').getByText('Access granted').waitFor();
    await options.close();

    const card = popup.getByTestId('instance-card');
    await card.locator('[data-testid="direct"][data-reason="bridge_down"]').waitFor({ timeout: 30_000 });
    expect(await card.getByTestId('connection').textContent()).toContain('Unreachable');
    expect(await card.getByTestId('direct-source').textContent()).toContain('The bridge does not answer');
    expect((await card.getByTestId('totals').textContent())?.replace(/\s+/g, '')).toBe('8waiting2active0failed');
    await shot(popup, 'no-bridge', 'popup-bridge-down');

    const summary = immichPage.locator('[data-iat-summary]');
    await summary
      .getByText('The bridge does not answer: live counts from Immich’s own API')
      .waitFor({ timeout: 30_000 });
    await cardPanel(immichPage, 'smart-search').locator('[data-iat-observed]').waitFor();
  });
});

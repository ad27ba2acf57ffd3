/**
 * The content script on the simulator's imitation of Immich's Jobs page, in Chromium with the built
 * extension, against the real bridge over a private redis-server and a BullMQ worker that hangs.
 * Screenshots of each state land in test-output/jobs-page/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { assetById, immichJobsFor, openImmichQueue, startWorker, type SimWorker } from '@immich-admin-tools/sim';
import { cardPanel, cardRoot, panelCount, panelsPerCard, parseDuration } from './jobs-page.helpers.ts';
import { shot } from './support/shots.ts';
import { launchWithInstance, type ExtensionBrowser } from './support/browser.ts';
import { startStack, type Stack } from './support/stack.ts';

const QUEUE = 'faceDetection';
const SLUG = 'face-detection';
const THRESHOLD_SECONDS = 3;

describe('jobs page content script', () => {
  let stack: Stack;
  let browser: ExtensionBrowser;
  let worker: SimWorker | undefined;
  let page: Page;
  let jobId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ stuckThresholds: `${QUEUE}=${THRESHOLD_SECONDS}` });
    browser = await launchWithInstance(stack);

    const queue = openImmichQueue(stack.redis.url, QUEUE);
    const [spec] = immichJobsFor(QUEUE, 1);
    [jobId] = await queue
      .addBulk([{ name: spec!.name, data: spec!.data }])
      .then((jobs) => jobs.map((j) => String(j.id)));
    await queue.close();
    worker = await startWorker({ redisUrl: stack.redis.url, queue: QUEUE, behavior: 'hang' });
    await worker.waitForActive(1);

    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.immich.url}/admin/queues`);
  });

  afterAll(async () => {
    await worker?.close();
    await browser?.close();
    await stack?.stop();
  });

  it("shows the hung job's badge and a timer that advances on its card", async () => {
    const panel = cardPanel(page, SLUG);
    await panel.locator('[data-iat-stuck="1"]').waitFor({ timeout: 20_000 });
    expect(await panel.locator(`[data-iat-queue="${QUEUE}"]`).textContent()).toContain('1 hung');
    expect(await panelCount(page, 'summary-bar')).toBe(1);
    expect(await page.locator('[data-iat-summary] [data-iat-total-stuck="1"]').count()).toBe(1);

    const timer = panel.locator('[data-iat-timer]');
    const first = parseDuration((await timer.textContent()) ?? '');
    expect(first).toBeGreaterThanOrEqual(THRESHOLD_SECONDS);
    // It ticks on its own between snapshots; how fast under load is not this test's business.
    await expect
      .poll(async () => parseDuration((await timer.textContent()) ?? ''), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(first + 2);
    await cardRoot(page, SLUG).scrollIntoViewIfNeeded();
    await shot(cardRoot(page, SLUG), 'jobs-page', 'card-stuck');
    await shot(page, 'jobs-page', 'queues-page');

    // The same card in Immich's dark mode, for the docs; back to light before the next test.
    const panelsDark = (dark: boolean) =>
      page.waitForFunction(
        (want) =>
          Array.from(document.querySelectorAll('iat-panel')).every(
            (host) => host.shadowRoot?.querySelector('.iat-root')?.classList.contains('dark') === want,
          ),
        dark,
      );
    await page.locator('[data-sim-theme-toggle]').click();
    await panelsDark(true);
    await shot(cardRoot(page, SLUG), 'jobs-page', 'card-stuck-dark');
    await page.locator('[data-sim-theme-toggle]').click();
    await panelsDark(false);
  });

  // The 3 s goal is printed here and measured by the benches; the test asserts the behaviour.
  it('lists the job with its file and clears it (fail mode): failed in Redis, badge gone', async () => {
    const panel = cardPanel(page, SLUG);
    await panel.getByRole('button', { name: /Show 1 active job/ }).click();
    const row = panel.locator(`[data-iat-job="${jobId}"]`);
    await row.waitFor();
    const spec = immichJobsFor(QUEUE, 1)[0]!;
    expect(await row.textContent()).toContain(assetById(String(spec.data.id))!.originalFileName);
    expect(await row.textContent()).toContain(
      "a worker still holds it; clearing won't free the slot until Immich restarts",
    );
    expect(await row.locator('a[data-iat-action="view-asset"]').getAttribute('href')).toBe(`/photos/${spec.data.id}`);
    await shot(cardRoot(page, SLUG), 'jobs-page', 'card-expanded');

    await row.locator('[data-iat-action="clear-job"]').click();
    await shot(cardRoot(page, SLUG), 'jobs-page', 'card-confirm');
    const clickedAt = Date.now();
    await row.locator('[data-iat-confirm="clear-job"]').click();
    await panel.locator('[data-iat-stuck="0"]').waitFor({ timeout: 15_000 });
    const goneAfter = Date.now() - clickedAt;
    console.log(`[e2e] stuck badge gone ${goneAfter} ms after "Clear job"`);

    const queue = openImmichQueue(stack.redis.url, QUEUE);
    try {
      const job = await queue.getJob(jobId);
      expect(await job!.getState()).toBe('failed');
      expect(job!.failedReason).toMatch(/cleared as stuck/i);
    } finally {
      await queue.close();
    }
    await page.locator('[data-iat-notice="success"]').first().waitFor();
    await shot(cardRoot(page, SLUG), 'jobs-page', 'card-cleared');
  });

  it('re-attaches exactly one panel per card after navigating away and back', async () => {
    expect(await panelsPerCard(page)).toEqual(new Array(12).fill(1));
    await page.locator(`a[href="/admin/queues/${SLUG}"]`).first().click();
    await page.waitForURL(`**/admin/queues/${SLUG}`);
    const detail = page.locator('iat-panel[data-iat="queue-detail"]');
    await detail.locator(`[data-iat-failed-job="${jobId}"]`).waitFor({ timeout: 15_000 });
    expect(await panelCount(page, 'queue-card')).toBe(0);
    expect(await panelCount(page, 'summary-bar')).toBe(0);
    await shot(page, 'jobs-page', 'queue-detail');

    await page.goBack();
    await page.waitForURL('**/admin/queues');
    await expect.poll(() => panelsPerCard(page), { timeout: 15_000 }).toEqual(new Array(12).fill(1));
    expect(await panelCount(page, 'queue-detail')).toBe(0);
    expect(await panelCount(page, 'summary-bar')).toBe(1);

    // Immich re-creating its cards (a remount) must not double or lose a panel either.
    await page.evaluate(() => (window as unknown as { __sim: { rerender(): void } }).__sim.rerender());
    await expect.poll(() => panelsPerCard(page), { timeout: 15_000 }).toEqual(new Array(12).fill(1));
    // Several of Immich's 3 s refreshes later, still one each.
    await page.waitForTimeout(3_500);
    expect(await panelsPerCard(page)).toEqual(new Array(12).fill(1));
    expect(await panelCount(page, 'summary-bar')).toBe(1);
  });

  it("follows the page's dark mode", async () => {
    await page.locator('[data-sim-theme-toggle]').click();
    const dark = await page.evaluate(() =>
      Array.from(document.querySelectorAll('iat-panel'), (host) =>
        host.shadowRoot?.querySelector('.iat-root')?.classList.contains('dark'),
      ),
    );
    expect(dark.length).toBeGreaterThan(0);
    expect(dark.every(Boolean)).toBe(true);
    await shot(page, 'jobs-page', 'queues-page-dark');
    await page.locator('[data-sim-theme-toggle]').click();
  });

  it('fits the card on a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const card = cardRoot(page, SLUG);
    await card.scrollIntoViewIfNeeded();
    const [cardBox, panelBox] = [await card.boundingBox(), await cardPanel(page, SLUG).boundingBox()];
    expect(panelBox!.x).toBeGreaterThanOrEqual(cardBox!.x);
    expect(panelBox!.x + panelBox!.width).toBeLessThanOrEqual(cardBox!.x + cardBox!.width + 0.5);
    await shot(card, 'jobs-page', 'card-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("opens an asset in Immich's own viewer and leaves no panel there", async () => {
    await page.goto(`${stack.immich.url}/admin/queues/${SLUG}`);
    const link = page.locator(`iat-panel[data-iat="queue-detail"] [data-iat-failed-job="${jobId}"] a`);
    await link.click();
    const spec = immichJobsFor(QUEUE, 1)[0]!;
    await page.waitForURL(`**/photos/${spec.data.id}`);
    await page.locator('.photo-viewer').waitFor();
    expect(await page.locator('iat-panel').count()).toBe(0);
  });

  it('shows a floating panel on the pre-2.4 layout', async () => {
    await page.goto(`${stack.immich.url}/admin/jobs-status`);
    const floating = page.locator('iat-panel[data-iat="fallback-panel"]');
    const content = floating.locator('[data-iat-floating]');
    await content.waitFor({ timeout: 15_000 });
    expect(await panelCount(page, 'queue-card')).toBe(0);
    await content.getByText(/Bridge connected/).waitFor();
    await shot(page, 'jobs-page', 'fallback-legacy');
  });

  it('shows a Redis outage as a status, keeps every panel, and recovers', async () => {
    await page.goto(`${stack.immich.url}/admin/queues`);
    await expect.poll(() => panelsPerCard(page), { timeout: 15_000 }).toEqual(new Array(12).fill(1));
    const summary = page.locator('[data-iat-summary]');
    await summary.locator('[data-iat-connection="ok"]').waitFor({ timeout: 15_000 });
    // The hung worker is done with; closed first, it does not flood the log with reconnects.
    await worker?.close();
    worker = undefined;
    await stack.redis.stop();
    try {
      await summary.locator('[data-iat-connection="error"]').waitFor({ timeout: 15_000 });
      expect(await summary.textContent()).toMatch(/Redis|bridge/i);
      expect(await panelsPerCard(page)).toEqual(new Array(12).fill(1));
      await cardPanel(page, SLUG).locator('[data-iat-card-status="error"]').waitFor();
      await shot(page, 'jobs-page', 'redis-down');
    } finally {
      await stack.redis.start();
    }
    await summary.locator('[data-iat-connection="ok"]').waitFor({ timeout: 30_000 });
    expect(await cardPanel(page, SLUG).locator('[data-iat-card-status]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

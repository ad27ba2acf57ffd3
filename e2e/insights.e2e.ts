/**
 * The insights page against the real thing: Chromium with the built extension, the real bridge over a
 * private redis-server, and history made by real BullMQ workers of the simulator: jobs that completed,
 * failed, hung past their threshold and were cleared. A second instance points at a bridge that is not there.
 */
import { readFileSync } from 'node:fs';
import type { HistoryResponse, ProblemAssetsResponse, StatsResponse } from '@immich-admin-tools/shared';
import {
  addImmichJobs,
  freePort,
  immichJobsFor,
  openImmichQueue,
  startWorker,
  type SimWorker,
} from '@immich-admin-tools/sim';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardPanel, cardRoot } from './jobs-page.helpers.ts';
import { launchWithInstance, type ExtensionBrowser } from './support/browser.ts';
import { shot } from './support/shots.ts';
import { startStack, type Stack } from './support/stack.ts';

const HUNG_QUEUE = 'faceDetection';
const DONE_QUEUE = 'smartSearch';
const FAILING_QUEUE = 'ocr';
const HUNG = 3;
const DONE = 6;
const FAILING = 2;
const READ_TOKEN = 'e2e-read-only-token-0123456789';

interface ChromeStorage {
  chrome: {
    storage: { local: { set(items: object): Promise<void>; get(key: string): Promise<Record<string, unknown>> } };
  };
}
interface StoredInstance {
  id: string;
  name: string;
  immichUrl: string;
  bridgeUrl: string;
  token: string;
}
type ChartElement = HTMLElement & { chartData?: (number | null)[][] };

describe('insights page against a real bridge', () => {
  let stack: Stack;
  let browser: ExtensionBrowser;
  /** Id the options page gave the instance of the real bridge. */
  let home: string;
  const workers: SimWorker[] = [];
  const setInstances = (instances: StoredInstance[]) =>
    browser.worker.evaluate(
      (items) => (globalThis as unknown as ChromeStorage).chrome.storage.local.set({ instances: items }),
      instances,
    );

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${stack.bridge.url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${stack.bridge.token}`, 'Content-Type': 'application/json' },
    });
    expect(response.ok, `${path} answered ${response.status}`).toBe(true);
    return (await response.json()) as T;
  };
  const until = async <T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const open = async (query: string, scheme: 'light' | 'dark' = 'light'): Promise<Page> => {
    const page = await browser.context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`chrome-extension://${browser.extensionId}/history-page.html?${query}`);
    return page;
  };
  /** Both schemes of the page as it is now, for the README. */
  const shots = async (page: Page, name: string) => {
    await shot(page, 'insights', `${name}-light`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.classList.contains('dark'));
    await shot(page, 'insights', `${name}-dark`);
    await page.emulateMedia({ colorScheme: 'light' });
  };
  const historyIds = async (query: string) =>
    (await api<HistoryResponse>(`/api/history?${query}&limit=1000`)).items.map((item) => item.id);

  beforeAll(async () => {
    stack = await startStack({ stuckThresholds: `${HUNG_QUEUE}=3`, env: { BRIDGE_READ_TOKEN: READ_TOKEN } });
    // The real bridge as a user adds it (which also registers the Jobs-page script), and one that is down.
    browser = await launchWithInstance(stack, 'Home');
    const stored = await browser.worker.evaluate(() =>
      (globalThis as unknown as ChromeStorage).chrome.storage.local.get('instances'),
    );
    const [added] = stored.instances as StoredInstance[];
    home = added!.id;
    const downBridge = `http://127.0.0.1:${await freePort()}`;
    await setInstances([
      added!,
      { id: 'cabin', name: 'Cabin', immichUrl: 'http://127.0.0.1:9', bridgeUrl: downBridge, token: 'nope' },
    ]);

    // Real work: completions, failures, and jobs that hang past their threshold and are then cleared.
    await addImmichJobs(stack.redis.url, DONE_QUEUE, immichJobsFor(DONE_QUEUE, DONE));
    await addImmichJobs(stack.redis.url, FAILING_QUEUE, immichJobsFor(FAILING_QUEUE, FAILING));
    await addImmichJobs(stack.redis.url, HUNG_QUEUE, immichJobsFor(HUNG_QUEUE, HUNG));
    workers.push(
      await startWorker({ redisUrl: stack.redis.url, queue: DONE_QUEUE, behavior: 'complete', durationMs: 200 }),
      await startWorker({ redisUrl: stack.redis.url, queue: FAILING_QUEUE, behavior: 'fail', durationMs: 100 }),
      await startWorker({ redisUrl: stack.redis.url, queue: HUNG_QUEUE, behavior: 'hang', concurrency: HUNG }),
    );
    await until(
      async () =>
        (await historyIds(`queue=${HUNG_QUEUE}&event=stuck_job_detected`)).length === HUNG ? true : undefined,
      `${HUNG} stuck_job_detected rows`,
    );
    await api(`/api/queues/${HUNG_QUEUE}/clear-stuck`, { method: 'POST', body: JSON.stringify({ mode: 'fail' }) });
    await until(async () => {
      const stats = await api<StatsResponse>('/api/stats?range=24h');
      const done = stats.series.find((s) => s.queue === DONE_QUEUE)?.points.reduce((n, p) => n + p.completed, 0);
      return done === DONE && (await historyIds('event=stuck_job_cleared')).length === HUNG ? true : undefined;
    }, 'completions and clears');
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await browser?.close();
    await stack?.stop();
  });

  it('shows both instances in the overview, the one whose bridge is down with the popup’s words', async () => {
    const page = await open('');
    const rows = page.getByTestId('overview-row');
    await page
      .locator(`[data-testid="overview-row"][data-instance="${home}"] [data-testid="completed-today"]`)
      .filter({ hasText: /\d/ })
      .waitFor();
    expect(await rows.count()).toBe(2);
    const homeRow = page.locator(`[data-testid="overview-row"][data-instance="${home}"]`);
    const cabin = page.locator('[data-testid="overview-row"][data-instance="cabin"]');
    await cabin.locator('text=Unreachable').waitFor();
    expect(await homeRow.getAttribute('data-connection')).toBe('Connected');
    const stats = await api<StatsResponse>('/api/stats?range=24h');
    expect(Number((await homeRow.getByTestId('completed-today').textContent())?.replace(/\D/g, ''))).toBe(
      stats.totals.completedToday,
    );
    expect(Number((await homeRow.getByTestId('failed-today').textContent())?.replace(/\D/g, ''))).toBe(
      stats.totals.failedToday,
    );
    expect(await homeRow.getByTestId('stuck-now').textContent()).toMatch(/0/);
    await shots(page, 'overview');
    await page.close();
  });

  it('lists the stuck jobs in the timeline with the URL’s filters, pages with the cursor and links each asset', async () => {
    const expected = await historyIds(`queue=${HUNG_QUEUE}&event=stuck_job_detected`);
    const page = await open(`instance=${home}&view=timeline&queue=${HUNG_QUEUE}&event=stuck_job_detected&limit=2`);
    const rows = page.getByTestId('history-row');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    await page.getByRole('button', { name: 'Older events' }).click();
    await rows.nth(HUNG - 1).waitFor();
    expect(await rows.evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.id)))).toEqual(expected);
    expect(await page.getByRole('button', { name: 'Older events' }).count()).toBe(0);
    const link = await rows.first().getByTestId('asset-link').getAttribute('href');
    expect(link).toMatch(new RegExp(`^${stack.immich.url}/photos/[0-9a-f-]{36}$`));
    await rows.first().getByTestId('thumbnail').waitFor();

    // Another event through the form: the URL follows, so the view can be shared.
    await page.locator('select[name="event"]').selectOption('stuck_job_cleared');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('[data-testid="history-row"][data-event="stuck_job_cleared"]').first().waitFor();
    expect(new URL(page.url()).searchParams.get('event')).toBe('stuck_job_cleared');
    expect(new URL(page.url()).searchParams.get('queue')).toBe(HUNG_QUEUE);
    await shots(page, 'timeline');
    await page.close();
  });

  it('exports the filtered range from the bridge with the same rows as the API', async () => {
    const expected = await historyIds(`queue=${HUNG_QUEUE}`);
    const page = await open(`instance=${home}&view=timeline&queue=${HUNG_QUEUE}&limit=2`);
    await page.getByTestId('history-row').first().waitFor();
    const [ndjson] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export NDJSON' }).click(),
    ]);
    expect(ndjson.suggestedFilename()).toMatch(/\.ndjson$/);
    const lines = readFileSync((await ndjson.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { id: number }).id)).toEqual(expected);
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csvLines = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(csvLines[0]).toMatch(/^id,timestamp,event,queue/);
    expect(csvLines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(expected);
    await page.close();
  });

  it('draws each chart from the bridge’s stats', async () => {
    const stats = await api<StatsResponse>('/api/stats?range=24h');
    const page = await open(`instance=${home}&view=charts`);
    const chart = (id: string) => page.locator(`[data-testid="${id}"] [data-chart]`);
    await chart('chart-throughput').locator('canvas').waitFor();
    const data = (id: string) => chart(id).evaluate((el) => (el as ChartElement).chartData ?? []);
    const sum = (values: (number | null)[] | undefined) => (values ?? []).reduce<number>((n, v) => n + (v ?? 0), 0);
    const all = (pick: (p: StatsResponse['series'][number]['points'][number]) => number) =>
      stats.series.reduce((n, s) => n + s.points.reduce((m, p) => m + (p.lost > 0 ? 0 : pick(p)), 0), 0);

    const throughput = await data('chart-throughput');
    expect(sum(throughput[1])).toBe(all((p) => p.completed));
    expect(sum(throughput[1])).toBeGreaterThanOrEqual(DONE);
    expect(sum(throughput[2])).toBe(all((p) => p.failed));
    expect(sum(throughput[2])).toBeGreaterThanOrEqual(FAILING);
    expect(sum((await data('chart-stuck'))[1])).toBe(HUNG);
    expect(sum((await data('chart-peak-hours'))[1])).toBe(stats.peakHours.reduce((n, p) => n + p.completed, 0));
    const durations = await data('chart-durations');
    expect(durations[0]).toHaveLength(stats.byJobName.filter((row) => row.avgDurationMs !== null).length);
    expect((await data('chart-failure-rate'))[1]!.some((v) => v !== null)).toBe(true);

    // Drawn, not just handed over: pixels of the series colour on each chart's canvas.
    for (const id of ['chart-throughput', 'chart-stuck', 'chart-peak-hours', 'chart-durations', 'chart-failure-rate']) {
      const pixels = await chart(id).evaluate((el) => {
        const canvas = el.querySelector('canvas')!;
        const stroke = getComputedStyle(el.closest('figure')!).getPropertyValue('--immich-ui-primary-500');
        const danger = getComputedStyle(el).getPropertyValue('--immich-ui-danger-500');
        const warning = getComputedStyle(el).getPropertyValue('--immich-ui-warning-500');
        const probe = document.createElement('canvas').getContext('2d')!;
        const rgb = (color: string) => {
          probe.fillStyle = color;
          probe.fillRect(0, 0, 1, 1);
          return Array.from(probe.getImageData(0, 0, 1, 1).data.slice(0, 3));
        };
        const colours = [stroke, danger, warning].map(rgb);
        const image = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 0; i < image.length; i += 4) {
          if (
            colours.some(
              ([r, g, b]) =>
                Math.abs(image[i]! - r!) + Math.abs(image[i + 1]! - g!) + Math.abs(image[i + 2]! - b!) < 60,
            )
          )
            count++;
        }
        return count;
      });
      expect(pixels, `${id} series pixels`).toBeGreaterThan(20);
      await shot(page.getByTestId(id), 'insights', id);
    }
    await shots(page, 'charts');
    await page.close();
  });

  it('quarantines a problem asset, which removes its next job', async () => {
    const listed = await until(async () => {
      const body = await api<ProblemAssetsResponse>('/api/problem-assets');
      return body.items.length >= HUNG ? body : undefined;
    }, 'problem assets');
    const target = listed.items[0]!;
    const page = await open(`instance=${home}&view=problems`);
    const row = page.locator(`[data-testid="problem-asset"][data-asset-id="${target.assetId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(target.assetFileName ?? target.assetId);
    await row.locator('img').waitFor();
    await shots(page, 'problems');
    await row.getByRole('button', { name: 'Quarantine…' }).click();
    await row.getByTestId('confirm-quarantine').click();
    await page
      .locator(`[data-testid="problem-asset"][data-asset-id="${target.assetId}"][data-quarantined="true"]`)
      .waitFor();

    const queue = openImmichQueue(stack.redis.url, HUNG_QUEUE);
    try {
      const job = await queue.add('AssetDetectFaces', { id: target.assetId });
      await until(
        async () => ((await queue.getJob(String(job.id))) ? undefined : true),
        'the quarantined asset’s job to go',
      );
      expect(await historyIds(`event=asset_job_removed&assetId=${target.assetId}`)).toHaveLength(1);
    } finally {
      await queue.close();
    }
    await row.getByRole('button', { name: 'Release…' }).click();
    await row.getByTestId('confirm-quarantine').click();
    await page
      .locator(`[data-testid="problem-asset"][data-asset-id="${target.assetId}"][data-quarantined="false"]`)
      .waitFor();
    await page.close();
  });

  it('draws the last hour on each Jobs-page card, from one stats request for all cards', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.immich.url}/admin/queues`);
    const spark = cardPanel(page, 'smart-search').locator('[data-iat-sparkline]');
    await spark.waitFor({ timeout: 20_000 });
    expect(await spark.getAttribute('data-completed')).toBe(String(DONE));
    expect(await cardPanel(page, 'ocr').locator('[data-iat-sparkline]').getAttribute('data-failed')).toBe(
      String(FAILING),
    );
    const drawn = await spark.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count++;
      return count;
    });
    expect(drawn).toBeGreaterThan(20);
    const durations = await page.evaluate(() => performance.getEntriesByName('iat-sparkline').map((e) => e.duration));
    expect(durations.length).toBeGreaterThan(0);
    console.log(
      `[e2e] sparkline draw: ${durations.length} cards, max ${Math.max(...durations).toFixed(2)} ms, mean ${(durations.reduce((a, b) => a + b, 0) / durations.length).toFixed(2)} ms (budget 2 ms)`,
    );
    await shot(cardRoot(page, 'smart-search'), 'insights', 'sparkline-card');
    await page.close();
  });

  it('shows a bad setting’s error beside it, and a good one survives a bridge restart', async () => {
    const page = await open(`instance=${home}&view=settings`);
    const interval = page.locator('input[name="autoHeal.intervalSeconds"]');
    await interval.fill('0');
    await interval.blur();
    await page.getByRole('button', { name: 'Save changes' }).click();
    const field = page.locator('[data-testid="setting"][data-key="autoHeal.intervalSeconds"]');
    await field.getByTestId('field-error').waitFor();
    expect(await field.getByTestId('field-error').textContent()).toMatch(/at least 1/);
    await shots(page, 'settings-error');
    await interval.fill('90');
    await interval.blur();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('settings-saved').waitFor();

    await stack.restartBridge();
    await page.reload();
    await expect
      .poll(() => page.locator('input[name="autoHeal.intervalSeconds"]').inputValue(), { timeout: 15_000 })
      .toBe('90');
    expect(await field.textContent()).toContain('changed here');
    await shots(page, 'settings');
    await page.close();
  });

  it('shows every view to a read-only token, without a single action button', async () => {
    await setInstances([
      { id: 'reader', name: 'Reader', immichUrl: stack.immich.url, bridgeUrl: stack.bridge.url, token: READ_TOKEN },
    ]);
    const page = await open('instance=reader&view=problems');
    await page.getByTestId('problem-asset').first().waitFor();
    await page.getByTestId('read-only').waitFor();
    expect(await page.getByRole('button', { name: /Quarantine|Release/ }).count()).toBe(0);
    await page.locator('[data-view="settings"]').click();
    await page.getByTestId('read-only-note').waitFor();
    expect(await page.getByRole('button', { name: /Save changes|Reset breaker|Send test/ }).count()).toBe(0);
    expect(await page.locator('input[name="autoHeal.intervalSeconds"]').isDisabled()).toBe(true);
    await page.locator('[data-view="timeline"]').click();
    await page.getByTestId('history-row').first().waitFor();
    await page.close();
  });
});

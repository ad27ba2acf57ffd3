/**
 * Import mode from the extension, against the real thing: Chromium with the built extension, the real bridge
 * over a private redis-server, the simulator's fake Immich (whose pause state is BullMQ's, in Redis) and real
 * BullMQ queues that a simulator worker drains. Switched on from the Jobs page's summary bar, watched there and
 * in the popup across a bridge restart, switched off from the popup. Shots: test-output/import-mode/.
 */
import type { HistoryResponse, StatusResponse } from '@immich-admin-tools/shared';
import { addImmichJobs, immichJobsFor, startWorker, type SimWorker } from '@immich-admin-tools/sim';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithInstance, type ExtensionBrowser } from './support/browser.ts';
import { shot } from './support/shots.ts';
import { E2E_IMMICH_KEY, startStack, type Stack } from './support/stack.ts';

/** Jobs per step of the default order; facialRecognition has none, smartSearch the admin paused in Immich. */
const WORK = { metadataExtraction: 5, thumbnailGeneration: 4, faceDetection: 3, smartSearch: 2 } as const;
/** The steps behind the first one with work, which import mode pauses. */
const HELD = ['thumbnailGeneration', 'faceDetection', 'facialRecognition'];

describe('import mode from the extension', () => {
  let stack: Stack;
  let browser: ExtensionBrowser;
  let jobsPage: Page;
  let popup: Page;
  const workers: SimWorker[] = [];

  /** Immich's own answer (the fake's is BullMQ's `meta.paused` in Redis). */
  const pausedInImmich = async (queue: string): Promise<boolean> => {
    const response = await fetch(`${stack.immich.url}/api/queues/${queue}`, {
      headers: { 'x-api-key': E2E_IMMICH_KEY },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { isPaused: boolean }).isPaused;
  };
  const setPausedInImmich = async (queue: string, isPaused: boolean) => {
    const response = await fetch(`${stack.immich.url}/api/queues/${queue}`, {
      method: 'PUT',
      headers: { 'x-api-key': E2E_IMMICH_KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ isPaused }),
    });
    expect(response.status).toBe(200);
  };
  const importModeRows = async () => {
    const response = await fetch(`${stack.bridge.url}/api/history?limit=200`, {
      headers: { Authorization: `Bearer ${stack.bridge.token}` },
    });
    const { items } = (await response.json()) as HistoryResponse;
    return items
      .filter((row) => row.actor === 'import-mode')
      .map((row) => ({ event: row.event, queue: row.queue, via: row.detail?.via }));
  };
  const step = (scope: Locator, queue: string) => scope.locator(`[data-iat-import-step="${queue}"]`);
  const stepState = (scope: Locator, queue: string) => step(scope, queue).getAttribute('data-iat-import-state');
  /** Waits until the step shows `state`; its visible text is returned. */
  const stepIn = async (scope: Locator, queue: string, state: string) => {
    await scope.locator(`[data-iat-import-step="${queue}"][data-iat-import-state="${state}"]`).waitFor({
      timeout: 30_000,
    });
    return (await step(scope, queue).textContent())?.trim();
  };

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchWithInstance(stack, 'Home');
    for (const [queue, count] of Object.entries(WORK))
      await addImmichJobs(stack.redis.url, queue, immichJobsFor(queue, count));
    // Paused by the admin in Immich before import mode: it must stay paused and be skipped.
    await setPausedInImmich('smartSearch', true);

    jobsPage = await browser.context.newPage();
    await jobsPage.setViewportSize({ width: 1280, height: 900 });
    await jobsPage.goto(`${stack.immich.url}/admin/queues`);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await browser?.close();
    await stack?.stop();
  });

  it('switches on from the summary bar and holds the later steps back through Immich', async () => {
    const summary = jobsPage.locator('[data-iat-summary]');
    const toggle = summary.locator('[data-iat-action="import-mode-toggle"]');
    await summary.locator('[data-iat-import-mode="off"]').waitFor({ timeout: 20_000 });
    // The bridge has seen every queue's work before the switch, so the first plan is the whole one.
    await expect.poll(async () => (await fetchStatus()).totalWaiting, { timeout: 20_000 }).toBe(14);
    await toggle.check();

    expect(await stepIn(summary, 'metadataExtraction', 'running')).toBe('Extract Metadata (5)');
    expect(await stepIn(summary, 'thumbnailGeneration', 'waiting')).toBe('→ Generate Thumbnails (4)');
    expect(await stepIn(summary, 'faceDetection', 'waiting')).toBe('→ Face Detection (3)');
    // Empty for now, but fed by the steps before it: held back too.
    expect(await stepIn(summary, 'facialRecognition', 'waiting')).toBe('→ Facial Recognition (0)');
    expect(await stepIn(summary, 'smartSearch', 'held-by-admin')).toBe('→ Smart Search (2)');
    expect(await step(summary, 'smartSearch').getByRole('img', { name: 'paused by you' }).count()).toBe(1);
    expect(await step(summary, 'thumbnailGeneration').getAttribute('title')).toBe('held back · 4 waiting');
    expect(await toggle.isChecked()).toBe(true);
    await summary.locator('[data-iat-notice]').getByText('Import mode is on: Extract Metadata runs first.').waitFor();

    // Held through Immich's API, like any pause: Immich says so, and the history says which endpoint.
    expect(await pausedInImmich('thumbnailGeneration')).toBe(true);
    expect(await pausedInImmich('faceDetection')).toBe(true);
    expect(await pausedInImmich('facialRecognition')).toBe(true);
    expect(await pausedInImmich('metadataExtraction')).toBe(false);
    const rows = await importModeRows();
    expect(rows).toEqual(
      expect.arrayContaining(HELD.map((queue) => ({ event: 'queue_paused', queue, via: 'queues-api' }))),
    );
    expect(rows).toHaveLength(HELD.length);
    await shot(summary, 'import-mode', 'summary-bar-on');
  });

  it('moves to the next step once one drains, across a bridge restart, in the popup too', async () => {
    await stack.restartBridge();
    workers.push(
      await startWorker({
        redisUrl: stack.redis.url,
        queue: 'metadataExtraction',
        behavior: 'complete',
        durationMs: 20,
      }),
    );
    const summary = jobsPage.locator('[data-iat-summary]');
    expect(await stepIn(summary, 'thumbnailGeneration', 'running')).toBe('→ Generate Thumbnails (4)');
    expect(await stepState(summary, 'metadataExtraction')).toBe('done');
    expect(await stepState(summary, 'faceDetection')).toBe('waiting');
    expect(await stepState(summary, 'facialRecognition')).toBe('waiting');
    expect(await pausedInImmich('thumbnailGeneration')).toBe(false);
    expect(await pausedInImmich('faceDetection')).toBe(true);
    await shot(summary, 'import-mode', 'summary-bar-next-step');

    popup = await browser.openPage('popup.html');
    const card = popup.getByTestId('import-mode');
    expect(await stepIn(card, 'thumbnailGeneration', 'running')).toBe('→ Generate Thumbnails (4)');
    expect(await stepIn(card, 'faceDetection', 'waiting')).toBe('→ Face Detection (3)');
    expect(await stepIn(card, 'smartSearch', 'held-by-admin')).toBe('→ Smart Search (2)');
    await shot(popup, 'import-mode', 'popup-on');
  });

  it('switched off from the popup, gives back its holds and leaves the hand-paused queue paused', async () => {
    const card = popup.getByTestId('import-mode');
    await card.locator('[data-iat-action="import-mode-toggle"]').uncheck();
    await card.locator('[data-iat-import-mode="off"]').waitFor({ timeout: 20_000 });
    expect(await card.locator('[data-iat-import-step]').count()).toBe(0);
    for (const queue of HELD) expect(await pausedInImmich(queue)).toBe(false);
    expect(await pausedInImmich('smartSearch')).toBe(true);
    const rows = await importModeRows();
    expect(rows).toEqual(
      expect.arrayContaining(HELD.map((queue) => ({ event: 'queue_resumed', queue, via: 'queues-api' }))),
    );
    // Each hold taken once and given back once, and nothing done to smartSearch.
    expect(rows).toHaveLength(2 * HELD.length);
    await jobsPage.locator('[data-iat-summary] [data-iat-import-mode="off"]').waitFor({ timeout: 20_000 });
    await shot(popup, 'import-mode', 'popup-off');
  });

  async function fetchStatus(): Promise<StatusResponse> {
    const response = await fetch(`${stack.bridge.url}/api/status`, {
      headers: { Authorization: `Bearer ${stack.bridge.token}` },
    });
    return (await response.json()) as StatusResponse;
  }
});

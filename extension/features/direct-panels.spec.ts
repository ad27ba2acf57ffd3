import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseImmichPage } from '../lib/immich-page.ts';
import type { ProtocolMap } from '../lib/messaging.ts';
import { JobsPageState, type Send } from '../lib/state/jobs-page.svelte.ts';
import { queueDto, renderSimPage } from '../test/jobs-page.fixture.ts';
import { directQueue, directSnapshot, instance } from '../test/snapshot.factory.ts';
import { startFeatures } from './feature.ts';
import { FEATURES } from './index.ts';

const MIN = 60_000;
const settle = async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
};
const host = (id: string, slug?: string) =>
  document.querySelector<HTMLElement>(`iat-panel[data-iat="${id}"]${slug ? `[data-iat-slug="${slug}"]` : ''}`)!;
const text = (element: Element | null | undefined) => element?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe("jobs-page panels through Immich's own API (no bridge)", () => {
  let scope: AbortController;
  let calls: { type: keyof ProtocolMap; data: unknown }[];
  let state: JobsPageState;
  const now = Date.now();
  const snap = directSnapshot([
    directQueue('smartSearch', {
      statistics: { active: 2, completed: 0, failed: 3, delayed: 0, waiting: 30, paused: 0 },
      activeJobs: [
        { jobId: '34', name: 'SmartSearch', queuedAt: now - 20 * MIN, firstSeenAt: now - 12 * MIN },
        { jobId: '35', name: 'SmartSearch', queuedAt: now - 20 * MIN, firstSeenAt: now - 2 * MIN },
      ],
    }),
    directQueue('ocr'),
  ]);

  beforeEach(() => {
    // happy-dom cannot fetch the panels' stylesheet; that warning is not this test's business.
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    scope = new AbortController();
    calls = [];
    const send = (async (type: keyof ProtocolMap, data: { queue?: string }) => {
      calls.push({ type, data });
      if (type === 'refresh') return snap;
      if (type === 'pauseQueue') return { ok: true, data: { queue: data.queue, isPaused: true, via: 'queues-api' } };
      if (type === 'clearFailed') return { ok: true, data: { queue: data.queue, count: 3 } };
      return { ok: false, error: { kind: 'http', code: 'NO_BRIDGE', message: 'no bridge' } };
    }) as unknown as Send;
    state = new JobsPageState(send);
    state.setInstance(instance({ bridgeUrl: '' }));
    state.applySnapshot(snap);
    state.tick(now);
    renderSimPage('queues').update([queueDto('smartSearch', 2, 30, 3)]);
    startFeatures(FEATURES, { page: parseImmichPage('http://photos.test/admin/queues'), state }, scope.signal);
  });
  afterEach(() => scope.abort());

  it("shows each card's longest-seen active job as observed, and says what observed means", async () => {
    await settle();
    const card = host('queue-card', 'smart-search').shadowRoot!;
    expect(text(card.querySelector('[data-iat-observed]'))).toBe('seen active for at least 12 min observed');
    expect(text(card.querySelector('[data-iat-failed]'))).toBe('3 failed Clear failed');
    const bar = host('summary-bar').shadowRoot!;
    expect(bar.querySelector('[data-iat-connection="direct"]')?.textContent).toContain(
      'No bridge: live counts from Immich’s own API',
    );
    expect(text(bar.querySelector('[data-iat-direct-totals]'))).toBe('2 active · 30 waiting · 3 failed');
    expect(text(bar.querySelector('[data-iat-observed-hint]'))).toContain('The bridge gives exact ages and recovery.');
    // Stuck detection and recovery need the bridge: not offered.
    expect(bar.querySelector('[data-iat-action="clear-all"], [data-iat-action="auto-heal-run"]')).toBeNull();

    card.querySelector<HTMLButtonElement>('button[aria-controls]')!.click();
    await settle();
    expect(Array.from(card.querySelectorAll('[data-iat-observed-job]'), text)).toEqual([
      'SmartSearch job 34 seen active for at least 12 min observed',
      'SmartSearch job 35 seen active for at least 2 min observed',
    ]);
  });

  it('pauses the queue and clears its failed jobs through the background', async () => {
    await settle();
    const card = host('queue-card', 'smart-search').shadowRoot!;
    card.querySelector<HTMLButtonElement>('[data-iat-action="pause"]')!.click();
    card.querySelector<HTMLButtonElement>('[data-iat-action="clear-failed"]')!.click();
    await vi.waitFor(() => expect(calls.filter((c) => c.type === 'refresh')).toHaveLength(2));
    expect(calls.filter((c) => c.type !== 'refresh' && c.type !== 'getSparklines')).toEqual([
      { type: 'pauseQueue', data: { instanceId: 'home', queue: 'smartSearch' } },
      { type: 'clearFailed', data: { instanceId: 'home', queue: 'smartSearch' } },
    ]);
  });

  it('re-renders nothing for a poll that only brings a new fetch time', () => {
    const before = state.direct;
    state.applySnapshot({ ...snap, direct: { ...snap.direct!, fetchedAt: now + 2000 } });
    expect(state.direct).toBe(before);
  });
});

import type { ActiveJob } from '@immich-admin-tools/shared';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseImmichPage } from '../lib/immich-page.ts';
import { JobsPageState, type Send } from '../lib/state/jobs-page.svelte.ts';
import { queueDto, renderSimPage } from '../test/jobs-page.fixture.ts';
import { activeJob, instance, queueSummary, snapshot, status } from '../test/snapshot.factory.ts';
import { FALLBACK_DELAY_MS } from './fallback-panel.ts';
import { startFeatures, type Feature } from './feature.ts';
import { FEATURES } from './index.ts';

const settle = async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
};
const hosts = (id: string) => Array.from(document.querySelectorAll<HTMLElement>(`iat-panel[data-iat="${id}"]`));
const shadowText = (host: HTMLElement) => host.shadowRoot?.textContent ?? '';

function liveState(): JobsPageState {
  const state = new JobsPageState((() => Promise.reject(new Error('no background in this test'))) as unknown as Send);
  state.setInstance(instance());
  state.applySnapshot(
    snapshot([
      queueSummary('faceDetection', {
        activeJobs: [
          activeJob({ jobId: '7', state: 'hung' }),
          activeJob({ jobId: '8', state: 'orphaned', ageSeconds: 90 }),
        ],
        rate: 42,
        etaSeconds: 5 * 3600,
        counts: { waiting: 15, paused: 0, active: 2, delayed: 0, prioritized: 0, failed: 2 },
      }),
      queueSummary('smartSearch'),
    ]),
  );
  return state;
}

describe('jobs-page features on the imitation page', () => {
  let scope: AbortController;
  beforeEach(() => {
    scope = new AbortController();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => scope.abort());

  const start = (url: string, state = liveState()) =>
    startFeatures(FEATURES, { page: parseImmichPage(url), state }, scope.signal);

  it('puts exactly one panel in each card and one summary bar above them', async () => {
    renderSimPage('queues').update([queueDto('faceDetection', 2, 15, 2)]);
    expect(start('http://photos.test/admin/queues')).toEqual(['summary-bar', 'queue-card', 'fallback-panel']);
    await settle();
    const panels = hosts('queue-card');
    expect(panels).toHaveLength(12);
    for (const host of panels) {
      const slug = host.getAttribute('data-iat-slug');
      expect(host.closest('.rounded-2xl')?.querySelector(`a[href="/admin/queues/${slug}"]`)).not.toBeNull();
    }
    expect(hosts('summary-bar')).toHaveLength(1);
    const face = panels.find((host) => host.getAttribute('data-iat-slug') === 'face-detection')!;
    expect(shadowText(face)).toContain('2 stuck');
    expect(shadowText(face)).toContain('1 hung · 1 orphaned');
    expect(shadowText(face)).toContain('~42/min · ETA ~5 h');
    expect(shadowText(face)).toContain('Retry failed');
  });

  it('shows no ticking "oldest" for a queue whose only active entry is a dangling id', async () => {
    const state = liveState();
    const dangling = activeJob({ jobId: 'd1', state: 'dangling', ageSeconds: 0, startedAt: null, processedOn: null });
    const fetchedAt = state.fetchedAtOf('faceDetection') ?? Date.now();
    state.applySnapshot(snapshot([queueSummary('duplicateDetection', { activeJobs: [dangling] })], { fetchedAt }));
    state.tick(fetchedAt + 6_000);
    renderSimPage('queues').update([queueDto('duplicateDetection', 1, 0, 0)]);
    start('http://photos.test/admin/queues', state);
    await settle();
    const card = hosts('queue-card').find((host) => host.getAttribute('data-iat-slug') === 'duplicate-detection')!;
    expect(shadowText(card)).toContain('1 dangling');
    expect(shadowText(card)).not.toContain('oldest');
  });

  it('survives count refreshes and card re-creation without doubling a panel', async () => {
    const page = renderSimPage('queues');
    start('http://photos.test/admin/queues');
    await settle();
    const first = hosts('queue-card');
    page.update([queueDto('faceDetection', 2, 15, 2), queueDto('ocr', 1, 3, 0)]);
    await settle();
    expect(hosts('queue-card')).toEqual(first);
    page.rerender();
    await settle();
    const second = hosts('queue-card');
    expect(second).toHaveLength(12);
    expect(second.some((host) => first.includes(host))).toBe(false);
    expect(hosts('summary-bar')).toHaveLength(1);
  });

  it('removes every panel when the page scope aborts (navigation away)', async () => {
    renderSimPage('queues');
    start('http://photos.test/admin/queues');
    await settle();
    scope.abort();
    expect(document.querySelectorAll('iat-panel')).toHaveLength(0);
  });

  it('floats the panel on the pre-2.4 layout, and only there', async () => {
    vi.useFakeTimers();
    renderSimPage('legacy');
    start('http://photos.test/admin/jobs-status');
    await vi.advanceTimersByTimeAsync(FALLBACK_DELAY_MS + 10);
    vi.useRealTimers();
    await settle();
    expect(hosts('queue-card')).toHaveLength(0);
    const floating = hosts('fallback-panel');
    expect(floating).toHaveLength(1);
    expect(floating[0]!.parentElement).toBe(document.body);
    expect(shadowText(floating[0]!)).toContain('2 stuck');
  });

  it('mounts the job table under the detail heading', async () => {
    renderSimPage('detail', 'faceDetection');
    expect(start('http://photos.test/admin/queues/face-detection')).toEqual(['queue-detail']);
    await settle();
    const [table] = hosts('queue-detail');
    expect(table?.parentElement?.querySelector('h1')?.textContent).toBe('Face Detection');
    const rows = table!.shadowRoot!.querySelectorAll('tr[data-iat-job]');
    expect(Array.from(rows, (row) => row.getAttribute('data-iat-state'))).toEqual(['hung', 'orphaned']);
  });

  it('offers no action on any panel of a read-only instance, and says why', async () => {
    const state = liveState();
    const queues = state.queues;
    state.applySnapshot(snapshot(queues, { status: status(queues, { access: 'read' }) }));
    renderSimPage('queues').update([queueDto('faceDetection', 2, 15, 2)]);
    start('http://photos.test/admin/queues', state);
    await settle();
    const [bar] = hosts('summary-bar');
    expect(shadowText(bar!)).toContain('Read-only token: actions hidden');
    expect(bar!.shadowRoot!.querySelector('[data-iat-action]')).toBeNull();
    const face = hosts('queue-card').find((host) => host.getAttribute('data-iat-slug') === 'face-detection')!;
    expect(shadowText(face)).toContain('2 stuck');
    const buttons = () =>
      Array.from(face.shadowRoot!.querySelectorAll('button'), (b) => b.textContent?.replace(/\s+/g, ' ').trim());
    expect(buttons()).toEqual(['Show 2 active job(s)']);
    face.shadowRoot!.querySelector('button')!.click();
    await settle();
    expect(face.shadowRoot!.querySelectorAll('li[data-iat-job]')).toHaveLength(2);
    // Only the raw views, which read: the bridge opens them to a read-only token like every GET.
    expect(buttons()).toEqual(['Hide 2 active job(s)', 'Raw', 'Raw']);

    scope.abort();
    scope = new AbortController();
    renderSimPage('detail', 'faceDetection');
    start('http://photos.test/admin/queues/face-detection', state);
    await settle();
    const [table] = hosts('queue-detail');
    expect(shadowText(table!)).toContain('Read-only token: actions hidden');
    expect(table!.shadowRoot!.querySelectorAll('tr[data-iat-job]')).toHaveLength(2);
    expect(
      table!.shadowRoot!.querySelector('[data-iat-action="clear-job"], [data-iat-action="clear-stuck"]'),
    ).toBeNull();
  });

  it("updates a busy queue's running rows in place, and leaves no question open about a job that finished", async () => {
    const state = liveState();
    const running = (jobId: string, processedOn: number) =>
      activeJob({ jobId, state: 'running', ageSeconds: 1, processedOn, assetFileName: `IMG_${jobId}.JPG` });
    const hung = activeJob({ jobId: '5', state: 'hung', processedOn: 1_000 });
    const turn = (jobs: ActiveJob[], waiting: number) => {
      const counts = { waiting, paused: 0, active: jobs.length, delayed: 0, prioritized: 0, failed: 0 };
      state.applySnapshot(snapshot([queueSummary('metadataExtraction', { activeJobs: jobs, counts })]));
      flushSync();
    };
    turn([hung, running('41', 2_000), running('42', 2_001)], 100);
    renderSimPage('queues').update([queueDto('metadataExtraction', 3, 100, 0)]);
    start('http://photos.test/admin/queues', state);
    await settle();
    const card = hosts('queue-card').find((host) => host.getAttribute('data-iat-slug') === 'metadata-extraction')!;
    const root = card.shadowRoot!;
    root.querySelector<HTMLButtonElement>('[aria-controls="iat-jobs-metadataExtraction"]')!.click();
    flushSync();
    const rows = () => Array.from(root.querySelectorAll('li[data-iat-job]'));
    const [stuckRow, firstRow, secondRow] = rows();
    const ask = (row: Element) => {
      row.querySelector<HTMLButtonElement>('[data-iat-action="clear-job"]')!.click();
      flushSync();
      return row.querySelector<HTMLSelectElement>('select')!;
    };
    const mode = ask(firstRow!);
    mode.value = 'remove';
    mode.dispatchEvent(new Event('change'));

    // A new copy of the same jobs (the queue moved on) is the same subject: the question stays open.
    turn([hung, running('41', 2_000), running('42', 2_001)], 99);
    expect(firstRow!.querySelector<HTMLSelectElement>('select')?.value).toBe('remove');

    // Both finished and two more run: the same rows show them, and what was asked about job 41 is gone.
    turn([hung, running('43', 2_002), running('44', 2_003)], 98);
    expect(rows()).toEqual([stuckRow, firstRow, secondRow]);
    expect(rows().map((row) => row.getAttribute('data-iat-job'))).toEqual(['5', '43', '44']);
    expect(firstRow!.textContent).toContain('IMG_43.JPG');
    expect(firstRow!.querySelector('[data-iat-confirm]')).toBeNull();
    expect(ask(firstRow!).value).toBe('fail');

    // A job that gets stuck keeps its own row from then on.
    turn([hung, { ...running('43', 2_002), state: 'hung' }, running('44', 2_003)], 98);
    expect(rows()[0]).toBe(stuckRow);
    expect(rows()[1]).not.toBe(firstRow);
    expect(rows()[1]!.getAttribute('data-iat-state')).toBe('hung');
  });

  it('keeps the other features running when one throws', async () => {
    renderSimPage('queues');
    const broken: Feature = {
      id: 'broken',
      include: () => true,
      init: () => {
        throw new Error('boom');
      },
    };
    const started = startFeatures(
      [broken, ...FEATURES],
      { page: parseImmichPage('http://x/admin/queues'), state: liveState() },
      scope.signal,
    );
    await settle();
    expect(started).toContain('queue-card');
    expect(hosts('queue-card')).toHaveLength(12);
    expect(console.error).toHaveBeenCalledTimes(1);
  });
});

import { describe, expect, it } from 'vitest';
import { fakeSend, stats } from '../../test/insights.factory.ts';
import { instance, queueSummary, snapshot, status } from '../../test/snapshot.factory.ts';
import { filtersFromUrl, filtersToUrl, historyQuery } from './insights-timeline.svelte.ts';
import { InsightsState, insightsErrorText } from './insights.svelte.ts';

describe('insights state', () => {
  it('reads the timeline filters from a shared URL and writes them back', () => {
    const url = new URL(
      'chrome-extension://x/history-page.html?instance=home&view=timeline&queue=faceDetection&event=job_failed&since=2026-12-01T09:00:00.000Z&until=nonsense',
    );
    const filters = filtersFromUrl(url);
    expect(filters).toEqual({
      queue: 'faceDetection',
      event: 'job_failed',
      assetId: '',
      jobId: '',
      since: '2026-12-01T09:00:00.000Z',
      until: '',
    });
    expect(filtersFromUrl(new URL('chrome-extension://x/p.html?event=made_up')).event).toBe('');
    const written = filtersToUrl({ ...filters, queue: '', jobId: '42' }, url);
    expect(written.searchParams.get('instance')).toBe('home');
    expect(written.searchParams.has('queue')).toBe(false);
    expect(written.searchParams.get('jobId')).toBe('42');
    expect(filtersFromUrl(written)).toEqual({ ...filters, queue: '', jobId: '42' });
    expect(historyQuery(filters)).toEqual({
      queue: 'faceDetection',
      event: 'job_failed',
      since: '2026-12-01T09:00:00.000Z',
    });
  });

  it('builds the overview from every instance, with today’s totals and the read-only token', async () => {
    const home = snapshot([queueSummary('faceDetection')], { status: status([], { access: 'read' }) });
    const cabin = snapshot([], { instanceId: 'cabin', status: null, error: { kind: 'unreachable', message: 'down' } });
    const { send, calls } = fakeSend({
      getInstances: () => [instance(), instance({ id: 'cabin', name: 'Cabin' })],
      getSnapshots: () => [home, cabin],
      refresh: (data) => (data.instanceId === 'home' ? home : cabin),
      getStats: (data) =>
        data.instanceId === 'home'
          ? { ok: true, data: stats() }
          : { ok: false, error: { kind: 'unreachable', message: 'down' } },
    });
    const state = new InsightsState(send, new URL('chrome-extension://x/history-page.html?view=charts&instance=home'));
    expect(state.view).toBe('charts');
    await state.load();
    expect(state.instance?.id).toBe('home');
    expect(state.readOnly).toBe(true);
    expect(
      state.overview.map((row) => [
        row.instance.id,
        row.stats.data?.completedToday ?? null,
        row.stats.error?.kind ?? null,
      ]),
    ).toEqual([
      ['home', 12, null],
      ['cabin', null, 'unreachable'],
    ]);
    expect(calls.filter(([type]) => type === 'getStats').map(([, data]) => data.range)).toEqual(['24h', '24h']);
  });

  it('words errors like the popup, and a missing endpoint as a bridge to update', () => {
    expect(insightsErrorText({ kind: 'unauthorized', message: '401' }, '/api/history').label).toBe('Token refused');
    expect(insightsErrorText({ kind: 'redis_down', message: '' }, '/api/stats').label).toBe('Redis down');
    const old = insightsErrorText(
      { kind: 'http', status: 404, code: 'NOT_FOUND', message: 'No such endpoint' },
      '/api/history',
    );
    expect(old.label).toBe('Bridge too old');
    expect(old.hint).toContain('update the bridge');
  });
});

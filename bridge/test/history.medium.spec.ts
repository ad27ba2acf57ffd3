import type {
  ErrorBody,
  HistoryItem,
  HistoryResponse,
  QueuesResponse,
  StatsResponse,
} from '@immich-admin-tools/shared';
import { describe, expect, it } from 'vitest';
import { openImmichQueue } from '../../sim/src/bull/immich-queues.ts';
import { ASSETS, OTHER_USER } from '../../sim/src/fake-immich/assets.ts';
import { useStack, workOn } from './harness.ts';

const mine = ASSETS.filter((a) => a.ownerId !== OTHER_USER.id);

const s = useStack({ STUCK_THRESHOLDS: 'faceDetection=1,smartSearch=1,ocr=1' });

const history = async (query = '') => (await s.h.api<HistoryResponse>(`/api/history${query}`)).body;
const rowsFor = async (query: string) => (await history(query)).items;
const waitRows = (query: string, n: number, what: string) =>
  s.h.until(
    async () => {
      const items = await rowsFor(query);
      return items.length >= n ? items : undefined;
    },
    30_000,
    what,
  );

describe('history of real BullMQ jobs', () => {
  it('records a hung job once as detected and once as cleared by the user, and never as resolved after that', async () => {
    const {
      ids: [jobId],
    } = await workOn(
      s,
      { queue: 'faceDetection', behavior: 'hang' },
      [{ name: 'AssetDetectFaces', data: { id: mine[0]!.id } }],
      1,
    );
    const [detected] = await waitRows(`?queue=faceDetection&event=stuck_job_detected&jobId=${jobId}`, 1, 'detected');
    expect(detected).toMatchObject({
      event: 'stuck_job_detected',
      queue: 'faceDetection',
      jobId,
      jobName: 'AssetDetectFaces',
      assetId: mine[0]!.id,
      actor: 'bridge',
    });
    expect(detected!.detail).toMatchObject({ state: 'hung', thresholdSeconds: 1 });
    expect(detected!.ageSeconds).toBeGreaterThanOrEqual(1);

    // Several more ticks: the same run is not detected again.
    const ticks = s.h.bridge.snapshots;
    for (let i = 0; i < 4; i++) await ticks.tick();
    expect(await rowsFor(`?event=stuck_job_detected&jobId=${jobId}&queue=faceDetection`)).toHaveLength(1);

    const cleared = await s.h.api(`/api/queues/faceDetection/jobs/${jobId}/clear`, {
      method: 'POST',
      json: { mode: 'fail' },
    });
    expect(cleared.status).toBe(200);
    // Committed before the answer: no waiting here.
    const rows = await rowsFor(`?queue=faceDetection&jobId=${jobId}`);
    const clearRow = rows.find((r) => r.event === 'stuck_job_cleared')!;
    expect(clearRow).toMatchObject({ actor: 'user', mode: 'fail', jobName: 'AssetDetectFaces' });
    expect(clearRow.detail).toMatchObject({ result: 'cleared', state: 'hung', slotsStillHeld: 1 });
    for (let i = 0; i < 3; i++) await ticks.tick();
    expect(await rowsFor(`?queue=faceDetection&jobId=${jobId}&event=stuck_job_resolved`)).toHaveLength(0);
  });

  it('records a stuck job that finishes by itself as resolved, with how long it was stuck', async () => {
    const {
      ids: [jobId],
    } = await workOn(
      s,
      { queue: 'smartSearch', behavior: 'complete', durationMs: 3500 },
      [{ name: 'SmartSearch', data: { id: mine[1]!.id } }],
      1,
    );
    const [resolved] = await waitRows(`?queue=smartSearch&event=stuck_job_resolved&jobId=${jobId}`, 1, 'resolved');
    expect(resolved!.ageSeconds).toBeGreaterThan(0.5);
    expect(resolved!.ageSeconds).toBeLessThan(3.5);
    expect(await rowsFor(`?queue=smartSearch&event=stuck_job_detected&jobId=${jobId}`)).toHaveLength(1);
  });

  it('records a failed job with the first line of its reason, its attempts and stalls', async () => {
    const reason = 'ENOENT: no such file /photos/broken.heic\n    at Object.open (node:fs:1)';
    const {
      ids: [jobId],
    } = await workOn(s, { queue: 'ocr', behavior: 'fail', durationMs: 50, failReason: reason }, [
      { name: 'Ocr', data: { id: mine[2]!.id } },
    ]);
    const [failed] = await waitRows(`?queue=ocr&event=job_failed&jobId=${jobId}`, 1, 'failed row');
    expect(failed).toMatchObject({ jobName: 'Ocr', assetId: mine[2]!.id, actor: 'immich' });
    expect(failed!.detail).toEqual({
      failedReason: 'ENOENT: no such file /photos/broken.heic',
      attempts: 1,
      stalls: 0,
    });
  });

  it('records a pause made outside the bridge with actor immich, and one through the bridge with actor user', async () => {
    const queue = openImmichQueue(s.redisServer.url, 'sidecar');
    try {
      await queue.add('SidecarCheck', { id: mine[3]!.id });
      await s.h.until(
        async () =>
          (await s.h.api<QueuesResponse>('/api/queues')).body.queues.some((q) => q.name === 'sidecar')
            ? true
            : undefined,
        10_000,
        'the sidecar queue',
      );
      await queue.pause();
      const [paused] = await waitRows('?queue=sidecar&event=queue_paused', 1, 'paused row');
      expect(paused!.actor).toBe('immich');
      await queue.resume();
      await waitRows('?queue=sidecar&event=queue_resumed', 1, 'resumed row');

      const viaBridge = await s.h.api('/api/queues/sidecar/pause', { method: 'POST' });
      expect(viaBridge.status).toBe(200);
      for (let i = 0; i < 3; i++) await s.h.bridge.snapshots.tick();
      const pauses = await rowsFor('?queue=sidecar&event=queue_paused');
      expect(pauses.map((r) => r.actor)).toEqual(['user', 'immich']);
    } finally {
      await queue.close();
    }
  });

  it('pages newest first with a cursor, and exports exactly the same rows as CSV and NDJSON', async () => {
    const all: HistoryItem[] = [];
    let before: number | null | undefined;
    do {
      const page = await history(`?limit=2${before ? `&before=${before}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      all.push(...page.items);
      before = page.nextBefore;
    } while (before);
    const ids = all.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    expect(all.some((r) => r.event === 'bridge_started')).toBe(true);

    const ndjson = await fetch(`${s.h.bridge.url}/api/history?format=ndjson`, {
      headers: { authorization: `Bearer ${s.h.bridge.token}` },
    });
    expect(ndjson.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.ndjson"/);
    const exported = (await ndjson.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as HistoryItem);
    // Rows recorded since the paging walk are newer: the export is a superset that starts with them.
    expect(exported.slice(exported.length - all.length)).toEqual(all);

    const filter = '?queue=faceDetection';
    const paged = (await history(`${filter}&limit=1000`)).items;
    const csv = await (
      await fetch(`${s.h.bridge.url}/api/history${filter}&format=csv`, {
        headers: { authorization: `Bearer ${s.h.bridge.token}` },
      })
    ).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('id,timestamp,event,queue,jobId,jobName,assetId,assetPath,ageSeconds,actor,mode,detail');
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(paged.map((r) => r.id));
  });

  it('refuses bad filters, ranges, limits, cursors and formats with a 400 in the error shape', async () => {
    for (const query of [
      '?limit=0',
      '?limit=1001',
      '?limit=ten',
      '?before=-3',
      '?before=abc',
      '?since=yesterday',
      '?since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z',
      '?format=xml',
      '?event=stuck_job_detected,nope',
      '?queue=../etc',
      '?assetId=not-a-uuid',
      '?jobId=%00',
      '?colour=blue',
    ]) {
      const res = await s.h.api<ErrorBody>(`/api/history${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('BAD_REQUEST');
    }
    for (const query of ['?range=1y', '?range=24h&queue=*', '?days=3']) {
      const res = await s.h.api<ErrorBody>(`/api/stats${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('BAD_REQUEST');
    }
  });

  it('streams a snapshot event per tick and a history event per new row, with the token in the header', async () => {
    expect((await fetch(`${s.h.bridge.url}/api/events`)).status).toBe(401);
    const abort = new AbortController();
    const res = await fetch(`${s.h.bridge.url}/api/events`, {
      headers: { authorization: `Bearer ${s.h.bridge.token}` },
      signal: abort.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const seen = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += value;
      }
    };
    try {
      await seen(/event: snapshot\ndata: (.+)\n/);
      const first = JSON.parse(/event: snapshot\ndata: (.+)\n/.exec(text)![1]!) as QueuesResponse;
      expect(first.queues.some((q) => q.name === 'faceDetection')).toBe(true);
      const before = text.match(/event: snapshot/g)!.length;
      await s.h.api('/api/queues/ocr/failed/clear', { method: 'POST' });
      await seen(/event: history\ndata: .*"failed_cleared"/);
      await seen(new RegExp(`(event: snapshot[\\s\\S]*){${before + 2}}`));
    } finally {
      abort.abort();
    }
  });

  it('counts finished jobs per queue and job name in the stats', async () => {
    await workOn(
      s,
      { queue: 'metadataExtraction', behavior: 'complete', durationMs: 20, concurrency: 2 },
      Array.from({ length: 30 }, (_, i) => ({ name: 'AssetExtractMetadata', data: { id: mine[i % mine.length]!.id } })),
    );
    const stats = await s.h.until(
      async () => {
        const body = (await s.h.api<StatsResponse>('/api/stats?range=1h&queue=metadataExtraction')).body;
        const done = body.series[0]?.points.reduce((sum, p) => sum + p.completed, 0) ?? 0;
        return done >= 30 ? body : undefined;
      },
      30_000,
      '30 completions in the stats',
    );
    expect(stats.series.map((x) => x.queue)).toEqual(['metadataExtraction']);
    expect(stats.totals.completedToday).toBe(30);
    const byName = stats.byJobName.find((r) => r.jobName === 'AssetExtractMetadata')!;
    expect(byName.completed).toBe(30);
    expect(byName.avgDurationMs).toBeGreaterThanOrEqual(15);
    expect(stats.peakHours.reduce((sum, h) => sum + h.completed, 0)).toBe(30);
  });
});

import type { HistoryResponse, QueuesResponse, StatusResponse } from '@immich-admin-tools/shared';
import { describe, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { useStack, workOn } from './harness.ts';

// One minute is the shortest STALL_MINUTES, and the no-workers grace is a minute too.
const s = useStack({ STUCK_THRESHOLDS: 'faceDetection=1', STALL_MINUTES: '1' });

const summary = async (name: string) =>
  (await s.h.api<QueuesResponse>('/api/queues')).body.queues.find((q) => q.name === name);
const events = async (queue: string) =>
  (await s.h.api<HistoryResponse>(`/api/history?queue=${queue}`)).body.items.map((r) => r.event).reverse();

describe('queue conditions on real queues', () => {
  it('sees slots full of stuck jobs at once, a stall after STALL_MINUTES, no workers after a minute, and their ends', async () => {
    // faceDetection: both slots hung while work waits.
    const { worker: hung, ids } = await workOn(
      s,
      { queue: 'faceDetection', behavior: 'hang', concurrency: 2 },
      [0, 1, 2, 3].map((i) => ({ name: 'AssetDetectFaces', data: { id: `face-${i}` } })),
      2,
    );
    // smartSearch: work waits and no worker ever comes.
    await addImmichJobs(s.redisServer.url, 'smartSearch', [{ name: 'SmartSearch', data: { id: 'lonely' } }]);

    const full = await s.h.until(
      async () => ((await summary('faceDetection'))?.conditions.includes('slots_full_of_stuck') ? true : undefined),
      20_000,
      'slots_full_of_stuck',
    );
    expect(full).toBe(true);
    expect((await summary('faceDetection'))!.conditions).not.toContain('stalled');

    const stalled = await s.h.until(
      async () => {
        const face = await summary('faceDetection');
        const search = await summary('smartSearch');
        return face?.conditions.includes('stalled') && search?.conditions.includes('no_workers')
          ? { face, search }
          : undefined;
      },
      100_000,
      'stalled and no_workers',
    );
    expect(stalled.face.conditions).toEqual(['stalled', 'slots_full_of_stuck']);
    expect(stalled.search.conditions).toEqual(['stalled', 'no_workers']);
    const status = (await s.h.api<StatusResponse>('/api/status')).body;
    expect(status.conditions?.map((c) => `${c.queue}:${c.condition}`).sort()).toEqual([
      'faceDetection:slots_full_of_stuck',
      'faceDetection:stalled',
      'smartSearch:no_workers',
      'smartSearch:stalled',
    ]);

    // Clearing the hung jobs and restarting the worker (what frees held slots) lets the waiting ones run.
    await s.h.api('/api/queues/faceDetection/clear-stuck', { method: 'POST', json: { mode: 'fail', jobIds: ids } });
    await hung.close();
    await workOn(s, { queue: 'faceDetection', behavior: 'complete', durationMs: 10 }, []);
    await s.h.until(
      async () => ((await summary('faceDetection'))?.conditions.includes('stalled') ? undefined : true),
      20_000,
      'the stall to end',
    );
    const face = await events('faceDetection');
    expect(face.filter((e) => e === 'slots_full_of_stuck')).toHaveLength(1);
    expect(face.filter((e) => e === 'queue_stalled')).toHaveLength(1);
    expect(face).toContain('queue_recovered');
    expect(await events('smartSearch')).toEqual(expect.arrayContaining(['queue_stalled', 'no_workers']));
  }, 180_000);
});

import type {
  HistoryItem,
  HistoryResponse,
  ProblemAssetsResponse,
  QuarantineResponse,
} from '@immich-admin-tools/shared';
import { describe, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { ASSETS, OTHER_USER } from '../../sim/src/fake-immich/assets.ts';
import { QUARANTINED_REASON } from '../src/quarantine/problem-assets.service.ts';
import { useStack, workOn } from './harness.ts';

const mine = ASSETS.filter((a) => a.ownerId !== OTHER_USER.id);

const s = useStack({ QUARANTINE_AFTER: '0', STUCK_THRESHOLDS: 'smartSearch=1' });

const key = (queue: string, id: string) => `immich_bull:${queue}:${id}`;
const rows = async (query: string): Promise<HistoryItem[]> =>
  (await s.h.api<HistoryResponse>(`/api/history${query}`)).body.items;
const quarantine = (assetId: string, method: 'POST' | 'DELETE') =>
  s.h.api<QuarantineResponse>(`/api/problem-assets/${assetId}/quarantine`, { method });
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await s.h.bridge.snapshots.tick();
};

describe('quarantined assets', () => {
  it('removes a new job of a quarantined asset from the wait list while the worker is busy; it never runs', async () => {
    const queue = 'smartSearch';
    const { worker } = await workOn(
      s,
      { queue, behavior: 'hang' },
      [{ name: 'SmartSearch', data: { id: mine[0]!.id } }],
      1,
    );
    const target = mine[1]!.id;
    expect((await quarantine(target, 'POST')).body).toEqual({ assetId: target, quarantined: true });
    const [jobId] = await addImmichJobs(s.redisServer.url, queue, [{ name: 'SmartSearch', data: { id: target } }]);
    const [removed] = await s.h.until(
      async () => {
        const items = await rows(`?event=asset_job_removed&jobId=${jobId}`);
        return items.length > 0 ? items : undefined;
      },
      10_000,
      'removed row',
    );
    expect(removed).toMatchObject({ actor: 'quarantine', queue, assetId: target, jobName: 'SmartSearch' });
    expect(removed!.detail).toMatchObject({ from: 'waiting', result: 'removed' });
    expect(await s.h.redis.exists(key(queue, jobId!))).toBe(0);
    expect(await s.h.redis.lpos(key(queue, 'wait'), jobId!)).toBeNull();
    expect(worker.active).not.toContain(jobId);
    const [quarantined] = await rows(`?event=asset_quarantined&assetId=${target}`);
    expect(quarantined).toMatchObject({ actor: 'user' });
  });

  it('fails a job of a quarantined asset that slipped into active, and release lets new jobs wait again', async () => {
    const queue = 'ocr';
    const target = mine[2]!.id;
    const {
      ids: [jobId],
    } = await workOn(s, { queue, behavior: 'hang' }, [{ name: 'Ocr', data: { id: target } }], 1);
    await quarantine(target, 'POST');
    await s.h.until(
      async () => ((await s.h.redis.zscore(key(queue, 'failed'), jobId!)) !== null ? true : undefined),
      10_000,
      'failed',
    );
    expect(await s.h.redis.hget(key(queue, jobId!), 'failedReason')).toBe(QUARANTINED_REASON);
    const [removed] = await rows(`?event=asset_job_removed&jobId=${jobId}&queue=${queue}`);
    expect(removed!.detail).toMatchObject({ from: 'active', result: 'failed' });

    expect((await quarantine(target, 'DELETE')).body).toEqual({ assetId: target, quarantined: false });
    expect(await rows(`?event=asset_released&assetId=${target}`)).toHaveLength(1);
    // The hung processor still holds the one slot: the new job waits, and stays.
    const [next] = await addImmichJobs(s.redisServer.url, queue, [{ name: 'Ocr', data: { id: target } }]);
    await ticks(4);
    expect(await s.h.redis.lpos(key(queue, 'wait'), next!)).not.toBeNull();
    expect(await rows(`?event=asset_job_removed&jobId=${next}&queue=${queue}`)).toHaveLength(0);
  });

  it('lists problem assets and quarantines one by itself after QUARANTINE_AFTER stuck-or-failed events', async () => {
    const set = await s.h.api('/api/settings', { method: 'PUT', json: { quarantine: { after: 2 } } });
    expect(set.status).toBe(200);
    const target = mine[3]!.id;
    await workOn(s, { queue: 'sidecar', behavior: 'fail', durationMs: 20, failReason: 'EIO: broken file' }, [
      { name: 'SidecarCheck', data: { id: target } },
      { name: 'SidecarCheck', data: { id: target } },
    ]);
    const [auto] = await s.h.until(
      async () => {
        const items = await rows(`?event=asset_quarantined&assetId=${target}`);
        return items.length > 0 ? items : undefined;
      },
      10_000,
      'auto quarantine',
    );
    expect(auto).toMatchObject({ actor: 'quarantine' });
    // File name and type come from Immich through the asset cache, fetched in the background.
    const list = await s.h.until(
      async () => {
        const body = (await s.h.api<ProblemAssetsResponse>('/api/problem-assets?sort=timesFailed&limit=1')).body;
        return body.items[0]?.assetFileName ? body : undefined;
      },
      10_000,
      'labelled problem asset',
    );
    expect(list.items[0]).toMatchObject({
      assetId: target,
      timesFailed: 2,
      queues: ['sidecar'],
      jobNames: ['SidecarCheck'],
      lastError: 'EIO: broken file',
      quarantined: true,
    });
    expect(list.items[0]!.assetFileName).toBe(mine[3]!.originalFileName);
    expect(list.items[0]!.mimeType).toBe(mine[3]!.originalMimeType);
    expect(list.nextBefore).not.toBeNull();
    const rest = (
      await s.h.api<ProblemAssetsResponse>(`/api/problem-assets?sort=timesFailed&before=${list.nextBefore}`)
    ).body;
    expect(rest.items.map((i) => i.assetId)).not.toContain(target);
    expect(rest.items.length).toBeGreaterThan(0);
  });
});

import type {
  ClearAllStuckResponse,
  ClearJobResponse,
  ClearStuckResponse,
  FailedActionResponse,
  QueueCommandResponse,
  QueueDetail,
  QueuesResponse,
} from '@immich-admin-tools/shared';
import { describe, expect, it } from 'vitest';
import { personThumbnailJob } from '../../sim/src/bull/immich-jobs.ts';
import { addImmichJobs, openImmichQueue, type ImmichJobSpec } from '../../sim/src/bull/immich-queues.ts';
import { spawnWorkerProcess, startWorker } from '../../sim/src/bull/workers.ts';
import { ASSETS, OTHER_USER } from '../../sim/src/fake-immich/assets.ts';
import { startFakeImmich } from '../../sim/src/fake-immich/app.ts';
import { CLEARED_REASON } from '../src/actions/actions.service.ts';
import { API_KEY, errorCode, startHarness, useStack, workOn } from './harness.ts';

const mine = ASSETS.filter((a) => a.ownerId !== OTHER_USER.id);
let assetIndex = 0;
const assetJob = (name: string): ImmichJobSpec => ({ name, data: { id: mine[assetIndex++]!.id } });

const s = useStack({ STUCK_THRESHOLDS: 'faceDetection=1,ocr=1' });

const detail = async (queue: string) => (await s.h.api<QueueDetail>(`/api/queues/${queue}`)).body;
const k = (queue: string, suffix: string) => `immich_bull:${queue}:${suffix}`;

/** Jobs held by a live worker that never returns, shown as hung. */
async function hungJobs(queue: string, jobs: ImmichJobSpec[]): Promise<string[]> {
  const { ids } = await workOn(
    s,
    { queue, behavior: 'hang', concurrency: jobs.length, lockDuration: 2000 },
    jobs,
    jobs.length,
  );
  await s.h.until(
    async () => {
      const d = await detail(queue);
      return ids.every((id) => d.stuckJobs.some((j) => j.jobId === id && j.state === 'hung')) ? true : undefined;
    },
    30_000,
    `${jobs.length} hung jobs in ${queue}`,
  );
  return ids;
}

/** Jobs whose worker process was killed, shown as orphaned once their locks expire. */
async function orphanedJobs(queue: string, jobs: ImmichJobSpec[]): Promise<string[]> {
  const proc = await spawnWorkerProcess({
    redisUrl: s.redisServer.url,
    queue,
    behavior: 'hang',
    concurrency: jobs.length,
    lockDuration: 1500,
  });
  const ids = await addImmichJobs(s.redisServer.url, queue, jobs);
  await proc.waitForActive(jobs.length);
  await proc.kill();
  await s.h.until(
    async () => {
      const d = await detail(queue);
      return ids.every((id) => d.stuckJobs.some((j) => j.jobId === id && j.state === 'orphaned')) ? true : undefined;
    },
    30_000,
    `${jobs.length} orphaned jobs in ${queue}`,
  );
  return ids;
}

async function lastEvent(queue: string, jobId: string) {
  const entries = (await s.h.redis.xrevrange(k(queue, 'events'), '+', '-', 'COUNT', 50)) as [string, string[]][];
  for (const [, fields] of entries) {
    const map = Object.fromEntries(fields.flatMap((_, i) => (i % 2 ? [] : [[fields[i], fields[i + 1]]])));
    if (map.jobId === jobId) return map as Record<string, string>;
  }
  return null;
}

const clear = (queue: string, jobId: string, json: object) =>
  s.h.api<ClearJobResponse>(`/api/queues/${queue}/jobs/${jobId}/clear`, { method: 'POST', json });

describe('clearing a hung job', () => {
  it('fail: moves it to failed with the reason, drops the lock, and says the slot stays taken', async () => {
    const [id] = await hungJobs('faceDetection', [assetJob('AssetDetectFaces')]);
    const res = await clear('faceDetection', id!, { mode: 'fail' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ cleared: true, jobId: id, mode: 'fail', slotStillHeld: true });
    expect(res.body.note).toMatch(/restarting immich_server/);
    expect(await s.h.redis.lpos(k('faceDetection', 'active'), id!)).toBeNull();
    expect(await s.h.redis.zscore(k('faceDetection', 'failed'), id!)).not.toBeNull();
    expect(await s.h.redis.hget(k('faceDetection', id!), 'failedReason')).toBe(CLEARED_REASON);
    expect(await s.h.redis.exists(k('faceDetection', `${id}:lock`))).toBe(0);
    expect(await lastEvent('faceDetection', id!)).toMatchObject({
      event: 'failed',
      prev: 'active',
      failedReason: CLEARED_REASON,
    });
  });

  it('retry: refused while a live worker holds it, and nothing changes', async () => {
    const [id] = await hungJobs('faceDetection', [assetJob('AssetDetectFaces')]);
    const res = await clear('faceDetection', id!, { mode: 'retry' });
    expect(res.status).toBe(409);
    expect(errorCode(res.body)).toBe('RETRY_HUNG_REFUSED');
    expect(await s.h.redis.lpos(k('faceDetection', 'active'), id!)).not.toBeNull();
    expect(await s.h.redis.exists(k('faceDetection', `${id}:lock`))).toBe(1);
  });

  it('remove: deletes the job and its lock', async () => {
    const [id] = await hungJobs('faceDetection', [assetJob('AssetDetectFaces')]);
    const res = await clear('faceDetection', id!, { mode: 'remove' });
    expect(res.body).toMatchObject({ cleared: true, slotStillHeld: true });
    expect(await s.h.redis.exists(k('faceDetection', id!), k('faceDetection', `${id}:lock`))).toBe(0);
    expect(await s.h.redis.lpos(k('faceDetection', 'active'), id!)).toBeNull();
    expect(await lastEvent('faceDetection', id!)).toMatchObject({ event: 'removed', prev: 'active' });
  });
});

describe('clearing orphaned jobs', () => {
  it('fail, retry and remove each leave Redis as designed', async () => {
    const [failId, retryId, removeId] = await orphanedJobs('smartSearch', [
      assetJob('SmartSearch'),
      assetJob('SmartSearch'),
      assetJob('SmartSearch'),
    ]);
    expect((await clear('smartSearch', failId!, { mode: 'fail' })).body).toMatchObject({
      cleared: true,
      slotStillHeld: false,
    });
    expect(await s.h.redis.zscore(k('smartSearch', 'failed'), failId!)).not.toBeNull();

    expect((await clear('smartSearch', retryId!, { mode: 'retry' })).body).toMatchObject({
      cleared: true,
      mode: 'retry',
    });
    // Back of the line: producers LPUSH and workers pop from the right.
    expect(await s.h.redis.lindex(k('smartSearch', 'wait'), 0)).toBe(retryId);
    expect(await s.h.redis.zscore(k('smartSearch', 'marker'), '0')).toBe('0');
    expect(await lastEvent('smartSearch', retryId!)).toMatchObject({ event: 'waiting', prev: 'active' });

    expect((await clear('smartSearch', removeId!, { mode: 'remove' })).body).toMatchObject({ cleared: true });
    expect(await s.h.redis.exists(k('smartSearch', removeId!))).toBe(0);
    expect(await s.h.redis.llen(k('smartSearch', 'active'))).toBe(0);
  });

  it('retry puts a prioritized job back in prioritized, and a paused queue’s job in paused', async () => {
    const [personJob] = await orphanedJobs('thumbnailGeneration', [personThumbnailJob(3)]);
    expect((await clear('thumbnailGeneration', personJob!, { mode: 'retry' })).status).toBe(200);
    expect(await s.h.redis.zscore(k('thumbnailGeneration', 'prioritized'), personJob!)).not.toBeNull();

    const [videoJob] = await orphanedJobs('videoConversion', [assetJob('AssetEncodeVideo')]);
    const q = openImmichQueue(s.redisServer.url, 'videoConversion');
    await q.pause();
    await q.close();
    expect((await clear('videoConversion', videoJob!, { mode: 'retry' })).status).toBe(200);
    expect(await s.h.redis.lrange(k('videoConversion', 'paused'), 0, -1)).toContain(videoJob);
  });

  it('leaves a job alone when it was restarted since it was looked at (409)', async () => {
    const [id] = await orphanedJobs('metadataExtraction', [assetJob('AssetExtractMetadata')]);
    const seen = (await detail('metadataExtraction')).activeJobs.find((j) => j.jobId === id)!;
    const res = await clear('metadataExtraction', id!, { mode: 'fail', startedAt: seen.processedOn! - 5000 });
    expect(res.status).toBe(409);
    expect(errorCode(res.body)).toBe('JOB_CHANGED');
    expect(await s.h.redis.lpos(k('metadataExtraction', 'active'), id!)).not.toBeNull();
    expect((await clear('metadataExtraction', id!, { mode: 'fail', startedAt: seen.startedAt! })).status).toBe(200);
  });
});

describe('races and refusals', () => {
  it('leaves alone a job that finished between look and click (409)', async () => {
    const {
      ids: [id],
    } = await workOn(s, { queue: 'sidecar', behavior: 'complete', durationMs: 1500 }, [assetJob('SidecarCheck')]);
    const seen = await s.h.until(
      async () => (await detail('sidecar')).activeJobs.find((j) => j.jobId === id),
      30_000,
      'the sidecar job',
    );
    expect(seen.state).toBe('running');
    await s.h.until(
      async () => ((await s.h.redis.llen(k('sidecar', 'active'))) === 0 ? true : undefined),
      30_000,
      'the job to finish',
    );
    const res = await clear('sidecar', id!, { mode: 'fail', startedAt: seen.processedOn! });
    expect(res.status).toBe(409);
    expect(errorCode(res.body)).toBe('JOB_NOT_ACTIVE');
    expect(await s.h.redis.zscore(k('sidecar', 'failed'), id!)).toBeNull();
  });

  it('refuses to clear a job still within its threshold unless forced', async () => {
    const {
      ids: [id],
    } = await workOn(
      s,
      { queue: 'library', behavior: 'hang' },
      [{ name: 'LibraryScanQueueAll', data: { force: false } }],
      1,
    );
    await s.h.until(
      async () => (await detail('library')).activeJobs.find((j) => j.jobId === id),
      30_000,
      'the library job',
    );
    const refused = await clear('library', id!, { mode: 'fail' });
    expect(refused.status).toBe(409);
    expect(errorCode(refused.body)).toBe('JOB_RUNNING');
    expect(await s.h.redis.lpos(k('library', 'active'), id!)).not.toBeNull();
    const forced = await clear('library', id!, { mode: 'fail', force: true });
    expect(forced.body).toMatchObject({ cleared: true, slotStillHeld: true });
  });

  it('answers 404 for a job id that is not active', async () => {
    const res = await clear('library', '99999', { mode: 'fail' });
    expect(res.status).toBe(404);
    expect(errorCode(res.body)).toBe('JOB_NOT_FOUND');
  });
});

describe('bulk clearing', () => {
  it('clear-stuck clears a queue’s stuck jobs, skips running ones and counts held slots', async () => {
    const ids = await hungJobs('ocr', [assetJob('Ocr'), assetJob('Ocr')]);
    const res = await s.h.api<ClearStuckResponse>('/api/queues/ocr/clear-stuck', {
      method: 'POST',
      json: { jobIds: [...ids, '777'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.cleared).toBe(2);
    expect(res.body.jobIds.sort()).toEqual([...ids].sort());
    expect(res.body.slotsStillHeld).toBe(2);
    expect(res.body.note).toMatch(/2 worker slots/);
    expect(res.body.skipped).toEqual([{ jobId: '777', reason: 'JOB_NOT_ACTIVE' }]);
    expect(await s.h.redis.zcard(k('ocr', 'failed'))).toBe(2);
  });

  it('clear-all-stuck clears every queue and reports which', async () => {
    const [orphan] = await orphanedJobs('duplicateDetection', [assetJob('AssetDetectDuplicates')]);
    await s.h.redis.lpush(k('duplicateDetection', 'active'), 'ghost-1');
    await s.h.until(
      async () => ((await detail('duplicateDetection')).stuckJobs.length === 2 ? true : undefined),
      30_000,
      'two stuck',
    );
    const res = await s.h.api<ClearAllStuckResponse>('/api/actions/clear-all-stuck', {
      method: 'POST',
      json: { mode: 'remove' },
    });
    expect(res.status).toBe(200);
    expect(res.body.jobIds).toEqual(expect.arrayContaining([orphan, 'ghost-1']));
    expect(res.body.queues).toContain('duplicateDetection');
    expect(await s.h.redis.llen(k('duplicateDetection', 'active'))).toBe(0);
    const queues = (await s.h.api<QueuesResponse>('/api/queues')).body.queues;
    expect(queues.find((q) => q.name === 'duplicateDetection')!.stuckJobs).toHaveLength(0);
  });
});

describe('failed jobs and queue commands', () => {
  it('retries and clears failed jobs with BullMQ’s own operations', async () => {
    const worker = await startWorker({
      redisUrl: s.redisServer.url,
      queue: 'storageTemplateMigration',
      behavior: 'fail',
      durationMs: 5,
    });
    const ids = await addImmichJobs(s.redisServer.url, 'storageTemplateMigration', [
      assetJob('StorageTemplateMigrationSingle'),
      assetJob('StorageTemplateMigrationSingle'),
      assetJob('StorageTemplateMigrationSingle'),
    ]);
    await s.h.until(
      async () => ((await s.h.redis.zcard(k('storageTemplateMigration', 'failed'))) === 3 ? true : undefined),
      30_000,
      '3 failed',
    );
    await worker.close();
    const failed = await detail('storageTemplateMigration');
    expect(failed.failedJobs.map((j) => j.jobId).sort()).toEqual([...ids].sort());
    expect(failed.failedJobs[0]!.failedReason).toMatch(/simulated failure/);
    expect(failed.failedJobs[0]!.assetId).toMatch(/^[0-9a-f-]{36}$/);

    const retried = await s.h.api<FailedActionResponse>('/api/queues/storageTemplateMigration/failed/retry', {
      method: 'POST',
    });
    expect(retried.body).toEqual({ queue: 'storageTemplateMigration', count: 3 });
    expect(await s.h.redis.zcard(k('storageTemplateMigration', 'failed'))).toBe(0);
    expect(await s.h.redis.llen(k('storageTemplateMigration', 'wait'))).toBe(3);

    const again = await startWorker({
      redisUrl: s.redisServer.url,
      queue: 'storageTemplateMigration',
      behavior: 'fail',
      durationMs: 5,
    });
    await s.h.until(
      async () => ((await s.h.redis.zcard(k('storageTemplateMigration', 'failed'))) === 3 ? true : undefined),
      30_000,
      '3 failed again',
    );
    await again.close();
    const cleared = await s.h.api<FailedActionResponse>('/api/queues/storageTemplateMigration/failed/clear', {
      method: 'POST',
    });
    expect(cleared.body.count).toBe(3);
    expect(await s.h.redis.zcard(k('storageTemplateMigration', 'failed'))).toBe(0);
    expect(await s.h.redis.exists(...ids.map((id) => k('storageTemplateMigration', id)))).toBe(0);
  });

  it('pauses and resumes through Immich’s Queues API', async () => {
    const paused = await s.h.api<QueueCommandResponse>('/api/queues/ocr/pause', { method: 'POST' });
    expect(paused.body).toEqual({ queue: 'ocr', isPaused: true, via: 'queues-api' });
    expect(await s.h.redis.hexists(k('ocr', 'meta'), 'paused')).toBe(1);
    const resumed = await s.h.api<QueueCommandResponse>('/api/queues/ocr/resume', { method: 'POST' });
    expect(resumed.body.isPaused).toBe(false);
    expect(await s.h.redis.hexists(k('ocr', 'meta'), 'paused')).toBe(0);
    const refused = await s.h.api('/api/queues/backgroundTask/pause', { method: 'POST' });
    expect([400, 404]).toContain(refused.status);
  });

  it('falls back to the legacy jobs API on a server before 2.4', async () => {
    const legacy = await startFakeImmich({ redisUrl: s.redisServer.url, apiKey: API_KEY, legacyOnly: true });
    const old = await startHarness({ IMMICH_API_URL: legacy.url, IMMICH_API_KEY: API_KEY }, s.redisServer);
    try {
      const res = await old.api<QueueCommandResponse>('/api/queues/sidecar/pause', { method: 'POST' });
      expect(res.body).toEqual({ queue: 'sidecar', isPaused: true, via: 'legacy-jobs-api' });
      expect(await s.h.redis.hexists(k('sidecar', 'meta'), 'paused')).toBe(1);
      await old.api('/api/queues/sidecar/resume', { method: 'POST' });
      expect(await s.h.redis.hexists(k('sidecar', 'meta'), 'paused')).toBe(0);
    } finally {
      await old.close();
      await legacy.stop();
    }
  });

  it('says so when Immich is not configured or refuses the key', async () => {
    const bare = await startHarness({}, s.redisServer);
    const wrongKey = await startHarness({ IMMICH_API_URL: s.immich.url, IMMICH_API_KEY: 'not-the-key' }, s.redisServer);
    try {
      const none = await bare.api('/api/queues/ocr/pause', { method: 'POST' });
      expect(none.status).toBe(503);
      expect(errorCode(none.body)).toBe('IMMICH_NOT_CONFIGURED');
      const refused = await wrongKey.api('/api/queues/ocr/pause', { method: 'POST' });
      expect(refused.status).toBe(502);
      expect(errorCode(refused.body)).toBe('IMMICH_REFUSED');
      expect(JSON.stringify(refused.body)).not.toContain('not-the-key');
    } finally {
      await bare.close();
      await wrongKey.close();
    }
  });

  it('proxies thumbnails from Immich', async () => {
    const res = await fetch(`${s.h.bridge.url}/api/assets/${mine[0]!.id}/thumbnail`, {
      headers: { authorization: `Bearer ${s.h.bridge.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\//);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(50);
    const foreign = ASSETS.find((a) => a.ownerId === OTHER_USER.id)!;
    const refused = await s.h.api(`/api/assets/${foreign.id}/thumbnail`);
    expect(refused.status).toBe(404);
  });
});

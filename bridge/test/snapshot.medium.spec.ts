import type { ActiveJob, JobState, QueueDetail, QueuesResponse, StatusResponse } from '@immich-admin-tools/shared';
import { describe, expect, it } from 'vitest';
import { sendMailJob } from '../../sim/src/bull/immich-jobs.ts';
import { addImmichJobs, openImmichQueue } from '../../sim/src/bull/immich-queues.ts';
import { spawnWorkerProcess } from '../../sim/src/bull/workers.ts';
import { ASSETS, OTHER_USER } from '../../sim/src/fake-immich/assets.ts';
import { errorCode, startHarness, useStack, workOn } from './harness.ts';

const mine = ASSETS.filter((a) => a.ownerId !== OTHER_USER.id);
const foreign = ASSETS.find((a) => a.ownerId === OTHER_USER.id)!;

const s = useStack({ STUCK_THRESHOLDS: 'faceDetection=2,smartSearch=2,notifications=2,ocr=600' });

const queues = async () => (await s.h.api<QueuesResponse>('/api/queues')).body.queues;
const queue = async (name: string) => (await queues()).find((q) => q.name === name);
const job = async (name: string, jobId: string) => (await queue(name))?.activeJobs.find((j) => j.jobId === jobId);
/** Waits until the bridge shows the job in `state`. */
const jobIn = (name: string, jobId: string, state: JobState) =>
  s.h.until(
    async () => {
      const j = await job(name, jobId);
      return j?.state === state ? j : undefined;
    },
    30_000,
    `${name} job ${jobId} ${state}`,
  );

describe('snapshot of real BullMQ state', () => {
  it('shows a hung job as hung, with its true age and a lock a live worker renews', async () => {
    const {
      ids: [jobId],
    } = await workOn(
      s,
      { queue: 'faceDetection', behavior: 'hang', lockDuration: 2000 },
      [{ name: 'AssetDetectFaces', data: { id: mine[0]!.id, source: 'upload' } }],
      1,
    );

    const hung = await s.h.until(
      async () => {
        const j = await job('faceDetection', jobId!);
        return j?.state === 'hung' && j.lock.renewed ? j : undefined;
      },
      30_000,
      'a renewed hung job',
    );
    const processedOn = Number(await s.h.redis.hget(`immich_bull:faceDetection:${jobId}`, 'processedOn'));
    const truth = (Date.now() - processedOn) / 1000;
    expect(Math.abs(hung.ageSeconds - truth)).toBeLessThan(1);
    expect(hung.processedOn).toBe(processedOn);
    expect(hung.lock.ttlMs).toBeGreaterThan(0);
    expect(hung.assetId).toBe(mine[0]!.id);

    const q = (await queue('faceDetection'))!;
    expect(q.workers).toBeGreaterThanOrEqual(1);
    expect(q.stuckJobs.map((j) => j.jobId)).toContain(jobId);
    expect(q.oldestActiveSeconds).toBeGreaterThanOrEqual(hung.ageSeconds);
  });

  it('reads a job again when it is taken anew under the same id between two ticks', async () => {
    const {
      ids: [jobId],
    } = await workOn(s, { queue: 'ocr', behavior: 'hang' }, [{ name: 'Ocr', data: { id: mine[2]!.id } }], 1);
    const first = await jobIn('ocr', jobId!, 'running');
    // The bridge now holds the job and asks Redis only whether its activation changed. A stalled job picked
    // up again keeps its id and gets a new processedOn and attempt, and an 'active' event: written here as
    // BullMQ's moveToActive does.
    const key = `immich_bull:ocr:${jobId}`;
    const again = first.processedOn! + 5_000;
    await s.h.redis
      .multi()
      .hset(key, 'processedOn', String(again), 'ats', '2', 'stc', '1')
      .xadd(
        'immich_bull:ocr:events',
        'MAXLEN',
        '~',
        '10000',
        '*',
        'event',
        'active',
        'jobId',
        jobId!,
        'prev',
        'waiting',
      )
      .exec();
    const moved = await s.h.until(
      async () => {
        const j = await job('ocr', jobId!);
        return j?.processedOn === again ? j : undefined;
      },
      10_000,
      'the new activation',
    );
    expect(moved.attempts).toBe(2);
    expect(moved.stalls).toBe(1);
    expect(moved.startedAt).toBe(new Date(again).toISOString());
    expect(moved.assetId).toBe(mine[2]!.id);
    // And a job on the same activation still follows its lock.
    await s.h.redis.del(`${key}:lock`);
    const unlocked = await s.h.until(async () => {
      const j = await job('ocr', jobId!);
      return j?.lock.ttlMs === null ? j : undefined;
    });
    expect(unlocked.processedOn).toBe(again);
  });

  it('names the file of an asset job once Immich answers, and keeps only the id of an asset Immich refuses', async () => {
    const labelled = await s.h.until(
      async () => {
        const j = (await queue('faceDetection'))?.activeJobs[0];
        return j?.assetFileName ? j : undefined;
      },
      30_000,
      'an asset label',
    );
    expect(labelled.assetFileName).toBe(mine[0]!.originalFileName);
    expect(labelled.assetPath).toBe(mine[0]!.originalPath);

    const {
      ids: [jobId],
    } = await workOn(s, { queue: 'ocr', behavior: 'hang' }, [{ name: 'Ocr', data: { id: foreign.id } }], 1);
    const shown = await s.h.until(() => job('ocr', jobId!), 30_000, 'the ocr job');
    // Give the lookup time to come back refused; the job must still show, with its id.
    await new Promise((r) => setTimeout(r, 1000));
    const after = (await job('ocr', jobId!))!;
    expect(shown.assetId).toBe(foreign.id);
    expect(after.assetId).toBe(foreign.id);
    expect(after.assetFileName).toBeNull();
    expect(after.state).toBe('running');
  });

  it('shows a killed worker’s job as orphaned once its lock is gone, and no worker for its queue', async () => {
    const proc = await spawnWorkerProcess({
      redisUrl: s.redisServer.url,
      queue: 'smartSearch',
      behavior: 'hang',
      lockDuration: 2000,
    });
    const [jobId] = await addImmichJobs(s.redisServer.url, 'smartSearch', [
      { name: 'SmartSearch', data: { id: mine[1]!.id } },
    ]);
    await proc.waitForActive(1);
    await proc.kill();

    const orphan = await jobIn('smartSearch', jobId!, 'orphaned');
    expect(orphan.lock.ttlMs).toBeNull();
    expect(await s.h.redis.exists(`immich_bull:smartSearch:${jobId}:lock`)).toBe(0);
    expect((await queue('smartSearch'))!.workers).toBe(0);
  });

  it('counts a paused queue’s paused list and flags it paused', async () => {
    const q = openImmichQueue(s.redisServer.url, 'videoConversion');
    try {
      await q.pause();
      await addImmichJobs(s.redisServer.url, 'videoConversion', [
        { name: 'AssetEncodeVideo', data: { id: mine[2]!.id } },
        { name: 'AssetEncodeVideo', data: { id: mine[3]!.id } },
        { name: 'AssetEncodeVideo', data: { id: mine[4]!.id } },
      ]);
      const paused = await s.h.until(
        async () => {
          const summary = await queue('videoConversion');
          return summary?.counts.paused === 3 ? summary : undefined;
        },
        30_000,
        'three paused jobs',
      );
      expect(paused.isPaused).toBe(true);
      expect(paused.counts.waiting).toBe(0);
      const status = (await s.h.api<StatusResponse>('/api/status')).body;
      expect(status.totalWaiting).toBeGreaterThanOrEqual(3);
    } finally {
      await q.close();
    }
  });

  it('counts waiting, delayed and prioritized jobs where they are, 0 elsewhere, and follows a drain that writes no event', async () => {
    const q = openImmichQueue(s.redisServer.url, 'duplicateDetection');
    try {
      await q.add('AssetDetectDuplicates', { id: mine[5]!.id });
      await q.add('AssetDetectDuplicates', { id: mine[6]!.id }, { delay: 600_000 });
      await q.add('AssetDetectDuplicates', { id: mine[7]!.id }, { priority: 3 });
      const counts = async () => (await queue('duplicateDetection'))?.counts;
      await s.h.until(async () => ((await counts())?.delayed === 1 ? true : undefined), 30_000, 'the delayed job');
      expect(await counts()).toMatchObject({ waiting: 1, delayed: 1, prioritized: 1, paused: 0 });
      // Another queue with none of them: no count borrowed from this one.
      expect((await queue('migration'))?.counts).toMatchObject({ delayed: 0, prioritized: 0 });
      // Immich's "clear" drains without an event in the stream: the counts still follow.
      await q.drain(true);
      await s.h.until(
        async () => {
          const c = await counts();
          return c && c.waiting + c.delayed + c.prioritized === 0 ? true : undefined;
        },
        30_000,
        'the drained queue',
      );
    } finally {
      await q.close();
    }
  });

  it('shows an id left in active without its hash as dangling', async () => {
    await addImmichJobs(s.redisServer.url, 'migration', [{ name: 'FileMigrationQueueAll', data: {} }]);
    await s.h.redis.lpush('immich_bull:migration:active', '424242');
    const dangling = await jobIn('migration', '424242', 'dangling');
    expect(dangling.name).toBeNull();
  });

  it('measures throughput and durations from the events stream', async () => {
    await workOn(
      s,
      { queue: 'thumbnailGeneration', behavior: 'complete', durationMs: 30, concurrency: 2 },
      mine.slice(10, 70).map((a) => ({ name: 'AssetGenerateThumbnails', data: { id: a.id } })),
    );
    const q = await s.h.until(
      async () => {
        const summary = await queue('thumbnailGeneration');
        return summary && summary.rate > 0 && summary.counts.waiting === 0 && summary.counts.active === 0
          ? summary
          : undefined;
      },
      30_000,
      'a measured rate',
    );
    expect(q.avgDurationMs).toBeGreaterThanOrEqual(25);
    expect(q.avgDurationMs).toBeLessThan(1000);
    expect(q.stuckJobs).toHaveLength(0);
  });

  it('never returns the data of a mail job', async () => {
    const mail = sendMailJob(7);
    const {
      ids: [jobId],
    } = await workOn(s, { queue: 'notifications', behavior: 'hang' }, [mail], 1);
    const shown = await jobIn('notifications', jobId!, 'hung');
    expect(shown.name).toBe('SendMail');
    const raw = await fetch(`${s.h.bridge.url}/api/queues/notifications`, {
      headers: { authorization: `Bearer ${s.h.bridge.token}` },
    });
    const text = await raw.text();
    expect(text).toContain(jobId!);
    expect(text).not.toContain('SIM-SECRET');
    expect(text).not.toContain('example.invalid');
    const detail = JSON.parse(text) as QueueDetail;
    expect(detail.activeJobs.find((j: ActiveJob) => j.jobId === jobId)?.otherId).toBeNull();
  });

  it('shows a queue the catalogue does not know, with a readable title', async () => {
    await addImmichJobs(s.redisServer.url, 'assetRepair', [{ name: 'AssetRepair', data: {} }]);
    await s.h.until(async () => ((await s.h.redis.exists('immich_bull:assetRepair:meta')) ? true : undefined));
    // Discovery runs every minute; a fresh bridge on the same Redis sees it at once.
    const fresh = await startHarness({}, s.redisServer);
    try {
      const body = (await fresh.api<QueuesResponse>('/api/queues')).body;
      expect(body.queues.find((q) => q.name === 'assetRepair')).toMatchObject({
        title: 'Asset Repair',
        slug: 'asset-repair',
      });
    } finally {
      await fresh.close();
    }
  });
});

describe('API guards', () => {
  it('answers 404 for an unknown queue and 400 for a name that cannot be one', async () => {
    const unknown = await s.h.api('/api/queues/nopeQueue');
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown.body)).toBe('QUEUE_NOT_FOUND');
    const bad = await s.h.api('/api/queues/bad%20name!');
    expect(bad.status).toBe(400);
    expect(errorCode(bad.body)).toBe('BAD_REQUEST');
  });

  it('refuses requests without the token or with a wrong one, and never echoes it', async () => {
    const none = await s.h.api('/api/status', { token: null });
    expect(none.status).toBe(401);
    expect(errorCode(none.body)).toBe('UNAUTHORIZED');
    const wrong = await s.h.api('/api/queues', { token: 'wrong-token-but-long-enough' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('wrong-token');
    const clear = await s.h.api('/api/actions/clear-all-stuck', { method: 'POST', json: {}, token: 'x'.repeat(30) });
    expect(clear.status).toBe(401);
  });

  it('serves health without a token and sends no CORS headers', async () => {
    const res = await fetch(`${s.h.bridge.url}/api/health`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, redis: true, immich: true });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rejects oversized and malformed bodies', async () => {
    const big = await s.h.api('/api/queues/faceDetection/clear-stuck', {
      method: 'POST',
      json: { jobIds: Array(3000).fill('123456') },
    });
    expect(big.status).toBe(413);
    const badMode = await s.h.api('/api/queues/faceDetection/clear-stuck', {
      method: 'POST',
      json: { mode: 'explode' },
    });
    expect(badMode.status).toBe(400);
    expect(errorCode(badMode.body)).toBe('BAD_REQUEST');
    const extra = await s.h.api('/api/queues/faceDetection/jobs/1/clear', {
      method: 'POST',
      json: { mode: 'fail', sudo: true },
    });
    expect(extra.status).toBe(400);
    const badId = await s.h.api('/api/queues/faceDetection/jobs/%20x/clear', { method: 'POST', json: {} });
    expect(badId.status).toBe(400);
    const notJson = await s.h.api('/api/actions/clear-all-stuck', {
      method: 'POST',
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
  });
});

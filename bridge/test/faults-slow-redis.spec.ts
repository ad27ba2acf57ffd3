import type { ClearJobResponse, ErrorBody, QueuesResponse, StatusResponse } from '@immich-admin-tools/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { CLEARED_REASON } from '../src/actions/actions.service.ts';
import { QueueRepository } from '../src/redis/queue.repository.ts';
import { codeOf, halfCleared, orphanedJobs, placesOf } from './faults.ts';
import { startHarness, type BridgeHarness } from './harness.ts';

/** A slow Redis (DEBUG SLEEP) and a frozen one (SIGSTOP, its connections left open). */

let redisServer: RedisServer;
let h: BridgeHarness;
/** Snapshot reads in flight, the most at once, and how many started. */
const reads = { inFlight: 0, most: 0, started: 0 };

beforeAll(async () => {
  const read = QueueRepository.prototype.readSnapshot;
  vi.spyOn(QueueRepository.prototype, 'readSnapshot').mockImplementation(async function (
    this: QueueRepository,
    ...args
  ) {
    reads.started++;
    reads.most = Math.max(reads.most, ++reads.inFlight);
    try {
      return await read.apply(this, args);
    } finally {
      reads.inFlight--;
    }
  });
  redisServer = await startRedisServer({ debugCommand: true });
  h = await startHarness({}, redisServer);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await h?.close();
  await redisServer?.dispose();
});

const clear = async (jobId: string) => {
  const started = Date.now();
  const res = await h.api<ClearJobResponse>(`/api/queues/smartSearch/jobs/${jobId}/clear`, {
    method: 'POST',
    json: { mode: 'fail' },
  });
  return { ...res, ms: Date.now() - started };
};
const fresh = () =>
  h.until(async () => ((await h.api<QueuesResponse>('/api/queues')).body.stale ? undefined : true), 30_000, 'fresh');

it('shares one refresh among actions waiting together while Redis is slow, and reads never overlap', async () => {
  const ids = await orphanedJobs(h, redisServer.url, 'smartSearch', 24);
  const sleeper = new Redis(redisServer.url);
  let slow = true;
  // DEBUG SLEEP back to back: every command waits up to 0.4 s behind one.
  const slowing = (async () => {
    while (slow) await sleeper.call('DEBUG', 'SLEEP', '0.4');
  })();
  try {
    for (const batch of [ids.slice(0, 12), ids.slice(12)]) {
      const startedBefore = reads.started;
      const answers = await Promise.all(batch.map(clear));
      for (const a of answers) {
        expect(a.status).toBe(200);
        // A correctness bound ("answers at all"), not a performance figure: one write and one shared read.
        expect(a.ms).toBeLessThan(10_000);
      }
      // 12 actions, one refresh between them (plus what the 250 ms loop started meanwhile), never 12.
      expect(reads.started - startedBefore).toBeLessThanOrEqual(6);
    }
  } finally {
    slow = false;
    await slowing;
    sleeper.disconnect();
  }
  expect(reads.most).toBe(1);
  expect(halfCleared(await placesOf(h.redis, 'smartSearch', ids))).toEqual([]);
});

it('answers 503 while Redis is frozen, never "done", runs nothing it refused, and recovers', async () => {
  const ids = await orphanedJobs(h, redisServer.url, 'faceDetection', 6);
  const clearIn = async (jobId: string) => {
    const started = Date.now();
    const res = await h.api(`/api/queues/faceDetection/jobs/${jobId}/clear`, {
      method: 'POST',
      json: { mode: 'fail' },
    });
    return { ...res, ms: Date.now() - started };
  };
  await fresh();
  redisServer.freeze();
  try {
    // The first one is sent and never confirmed; once a command timed out, the rest are refused unsent.
    const first = await clearIn(ids[0]!);
    expect(first.status).toBe(503);
    expect(['UNKNOWN_OUTCOME', 'REDIS_UNAVAILABLE']).toContain(codeOf(first.body));
    expect(first.ms).toBeLessThan(10_000);
    await h.until(
      async () => ((await h.api<StatusResponse>('/api/status')).body.connected ? undefined : true),
      20_000,
      'the bridge to notice',
    );
    const refused = await Promise.all(ids.slice(1, 4).map(clearIn));
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(codeOf(r.body)).toBe('REDIS_UNAVAILABLE');
      expect(r.ms).toBeLessThan(10_000);
    }
    // Reads are still served, from the last snapshot, marked stale.
    const stale = await h.api<QueuesResponse>('/api/queues');
    expect(stale.status).toBe(200);
    expect(stale.body.stale).toBe(true);
    expect(reads.most).toBe(1);
  } finally {
    redisServer.thaw();
  }

  await fresh();
  await h.bridge.snapshots.tick();
  const places = await placesOf(h.redis, 'faceDetection', ids);
  expect(halfCleared(places)).toEqual([]);
  for (const id of ids.slice(1)) expect(places.get(id)!.places).toEqual(['active']);
  const after = await Promise.all(ids.slice(1).map(clearIn));
  expect(after.map((r) => r.status)).toEqual(after.map(() => 200));
});

it('tells what a bulk clear did when Redis freezes mid-way, and which job is of unknown outcome', async () => {
  const queue = 'thumbnailGeneration';
  const ids = await orphanedJobs(h, redisServer.url, queue, 30);
  await fresh();
  const sleeper = new Redis(redisServer.url);
  const monitor = await new Redis(redisServer.url, { lazyConnect: true }).monitor();
  let slow = true;
  let clears = 0;
  // Each command waits behind a DEBUG SLEEP, so the bulk clear runs slowly; Redis freezes after its third clear.
  const slowing = (async () => {
    while (slow) await sleeper.call('DEBUG', 'SLEEP', '0.05');
  })();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && args.includes(CLEARED_REASON) && ++clears === 3) redisServer.freeze();
  });
  let res: { status: number; body: ErrorBody };
  try {
    res = await h.api<ErrorBody>('/api/actions/clear-all-stuck', { method: 'POST', json: { mode: 'fail' } });
  } finally {
    redisServer.thaw();
    slow = false;
    await slowing;
    sleeper.disconnect();
    monitor.disconnect();
  }

  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('UNKNOWN_OUTCOME');
  expect(res.body.error.message).toMatch(/check the job/);
  const { cleared = [], unknown = [] } = res.body.error;
  expect(cleared.length).toBeGreaterThanOrEqual(3);
  expect(unknown).toHaveLength(1);
  expect(cleared.map((j) => `${j.queue}/${j.jobId}`)).not.toContain(`${unknown[0]!.queue}/${unknown[0]!.jobId}`);
  for (const job of cleared) expect(job).toMatchObject({ state: 'orphaned', mode: 'fail' });

  await fresh();
  // What it says it cleared is cleared; the unknown one is whole, either way; the rest were not touched.
  for (const job of cleared) {
    expect((await placesOf(h.redis, job.queue, [job.jobId])).get(job.jobId)!.places).toEqual(['failed']);
  }
  const places = await placesOf(h.redis, queue, ids);
  expect(halfCleared(places)).toEqual([]);
  const named = new Set([...cleared, ...unknown].filter((j) => j.queue === queue).map((j) => j.jobId));
  const untouched = ids.filter((id) => !named.has(id));
  expect(untouched.length).toBeGreaterThan(0);
  for (const id of untouched) expect(places.get(id)!.places).toEqual(['active']);
});

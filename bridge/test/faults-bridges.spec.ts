import type { ClearAllStuckResponse, ClearJobResponse, QueueDetail } from '@immich-admin-tools/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { halfCleared, orphanedJobs, placesOf } from './faults.ts';
import { startHarness, type BridgeHarness } from './harness.ts';

/** Two bridges on one Redis, and a bridge whose clock disagrees with Redis'. */

let redisServer: RedisServer;
let a: BridgeHarness;
let b: BridgeHarness;

beforeAll(async () => {
  redisServer = await startRedisServer();
  [a, b] = await Promise.all([startHarness({}, redisServer), startHarness({}, redisServer)]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await redisServer?.dispose();
});

it('never clears a job twice: every job is retried once however the two bridges race', async () => {
  const ids = await orphanedJobs(a, redisServer.url, 'smartSearch', 20);
  await b.until(async () => {
    const d = (await b.api<QueueDetail>('/api/queues/smartSearch')).body;
    return d.stuckJobs.length === 20 ? true : undefined;
  });
  // Retry is the dangerous mode: done twice, a job would sit in `wait` twice and run twice.
  const answers = await Promise.all(
    [a, b, a, b].map((h) =>
      h.api<ClearAllStuckResponse>('/api/actions/clear-all-stuck', { method: 'POST', json: { mode: 'retry' } }),
    ),
  );
  for (const r of answers) expect(r.status).toBe(200);
  const cleared = answers.flatMap((r) => r.body.jobIds);
  expect(cleared.sort()).toEqual([...ids].sort());

  const places = await placesOf(a.redis, 'smartSearch', ids);
  expect(halfCleared(places)).toEqual([]);
  for (const id of ids) expect(places.get(id)!.places).toEqual(['wait']);
});

it('lets one of two bridges clear a job and tells the other it moved on', async () => {
  const [jobId] = await orphanedJobs(a, redisServer.url, 'ocr', 1);
  await b.until(async () => ((await b.api<QueueDetail>('/api/queues/ocr')).body.stuckJobs.length ? true : undefined));
  const body = { mode: 'fail' };
  const answers = await Promise.all(
    [a, b].map((h) => h.api<ClearJobResponse>(`/api/queues/ocr/jobs/${jobId}/clear`, { method: 'POST', json: body })),
  );
  expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
  expect((await placesOf(a.redis, 'ocr', [jobId!])).get(jobId!)!.places).toEqual(['failed']);
});

it('measures ages on Redis’ clock, whatever the bridge’s clock says', async () => {
  const [jobId] = await orphanedJobs(a, redisServer.url, 'faceDetection', 1);
  const age = async () => {
    await a.bridge.snapshots.tick();
    const job = a.bridge.snapshots.snapshot!.queues.find((q) => q.name === 'faceDetection')!.activeJobs[0]!;
    expect(job.jobId).toBe(jobId);
    return job.ageSeconds;
  };
  const before = await age();
  const realNow = Date.now;
  try {
    for (const skew of [3_600_000, -3_600_000]) {
      Date.now = () => realNow.call(Date) + skew;
      const skewed = await age();
      expect(Math.abs(skewed - before)).toBeLessThan(30);
    }
  } finally {
    Date.now = realNow;
  }
});

import type { HealthResponse, QueueDetail, QueuesResponse, StatusResponse } from '@immich-admin-tools/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { errorCode, startHarness, type BridgeHarness } from './harness.ts';

let redisServer: RedisServer;
let h: BridgeHarness;

beforeAll(async () => {
  redisServer = await startRedisServer();
  await addImmichJobs(redisServer.url, 'faceDetection', [{ name: 'AssetDetectFaces', data: { id: 'a' } }]);
  h = await startHarness({}, redisServer);
});

afterAll(async () => {
  await h?.close();
  await redisServer?.dispose();
});

it('survives Redis stopping and restarting: stale reads, 503 actions, then recovery', async () => {
  const before = (await h.api<QueuesResponse>('/api/queues')).body;
  expect(before.stale).toBe(false);
  expect(before.queues.find((q) => q.name === 'faceDetection')!.counts.waiting).toBe(1);

  await redisServer.stop();

  const stale = await h.until(
    async () => {
      const body = (await h.api<QueuesResponse>('/api/queues')).body;
      return body.stale ? body : undefined;
    },
    30_000,
    'a stale snapshot',
  );
  // The last picture is still served, marked stale.
  expect(stale.queues.find((q) => q.name === 'faceDetection')!.counts.waiting).toBe(1);
  const status = (await h.api<StatusResponse>('/api/status')).body;
  expect(status).toMatchObject({ connected: false, stale: true });
  const detail = await h.api<QueueDetail>('/api/queues/faceDetection');
  expect(detail.status).toBe(200);
  expect(detail.body.stale).toBe(true);

  const health = await h.api<HealthResponse>('/api/health', { token: null });
  expect(health.status).toBe(503);
  expect(health.body.redis).toBe(false);

  const action = await h.api('/api/queues/faceDetection/failed/retry', { method: 'POST' });
  expect(action.status).toBe(503);
  expect(errorCode(action.body)).toBe('REDIS_UNAVAILABLE');

  await redisServer.start();
  // A restarted Redis without persistence is empty: Immich would recreate its queues; so does this test.
  await addImmichJobs(redisServer.url, 'faceDetection', [
    { name: 'AssetDetectFaces', data: { id: 'b' } },
    { name: 'AssetDetectFaces', data: { id: 'c' } },
  ]);
  const back = await h.until(
    async () => {
      const body = (await h.api<QueuesResponse>('/api/queues')).body;
      const q = body.queues.find((x) => x.name === 'faceDetection');
      return !body.stale && q?.counts.waiting === 2 ? body : undefined;
    },
    20_000,
    'fresh data after the restart',
  );
  expect(back.stale).toBe(false);
  expect((await h.api<HealthResponse>('/api/health', { token: null })).status).toBe(200);
  const retried = await h.api('/api/queues/faceDetection/failed/retry', { method: 'POST' });
  expect(retried.status).toBe(200);
});

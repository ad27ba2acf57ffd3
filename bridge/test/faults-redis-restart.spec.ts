import type { ClearJobResponse, QueuesResponse } from '@immich-admin-tools/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { codeOf, halfCleared, orphanedJobs, placesOf } from './faults.ts';
import { startHarness, type BridgeHarness } from './harness.ts';

/** Redis killed (SIGKILL) and restarted with its AOF, under the bridge's feet. */

let redisServer: RedisServer;
let h: BridgeHarness;

beforeAll(async () => {
  redisServer = await startRedisServer({ appendonly: true, debugCommand: true });
  h = await startHarness({}, redisServer);
});
afterAll(async () => {
  await h?.close();
  await redisServer?.dispose();
});

/** Healthy again (the client reconnected by itself) and serving a snapshot read since. */
const fresh = () =>
  h.until(
    async () => {
      if ((await h.api('/api/health', { token: null })).status !== 200) return undefined;
      await h.bridge.snapshots.tick();
      const body = (await h.api<QueuesResponse>('/api/queues')).body;
      return body.stale ? undefined : body;
    },
    30_000,
    'a fresh snapshot',
  );

const clear = (jobId: string) =>
  h.api<ClearJobResponse>(`/api/queues/smartSearch/jobs/${jobId}/clear`, { method: 'POST', json: { mode: 'fail' } });

it('loses no acknowledged clear, half-clears nothing and runs nothing it answered 503 for', async () => {
  const ids = await orphanedJobs(h, redisServer.url, 'smartSearch', 30);
  const [before, inFlight, after, later] = [ids.slice(0, 8), ids.slice(8, 16), ids.slice(16, 24), ids.slice(24)];

  const acknowledged = await Promise.all(before.map(clear));
  expect(acknowledged.map((r) => r.status)).toEqual(before.map(() => 200));

  // Redis busy for a second: the clears and the tick's read are sent and wait in its socket; then it dies.
  const sleeper = new Redis(redisServer.url);
  sleeper.on('error', () => {});
  void sleeper.call('DEBUG', 'SLEEP', '1').catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 100));
  const pending = Promise.all(inFlight.map(clear));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await redisServer.kill();
  sleeper.disconnect();
  const whileDying = await pending;
  const whileDown = await Promise.all(after.map(clear));

  // Sent but never confirmed: unknown outcome, never "done". Not sent at all: Redis unavailable.
  for (const r of whileDying) {
    expect(r.status).toBe(503);
    expect(codeOf(r.body)).toBe('UNKNOWN_OUTCOME');
  }
  for (const r of whileDown) {
    expect(r.status).toBe(503);
    expect(codeOf(r.body)).toBe('REDIS_UNAVAILABLE');
  }

  await redisServer.start();
  await fresh(); // the bridge reconnects by itself
  // A few more ticks, so anything the bridge might send late would have run by now.
  await h.bridge.snapshots.tick();
  await h.bridge.snapshots.tick();

  const places = await placesOf(h.redis, 'smartSearch', ids);
  expect(halfCleared(places)).toEqual([]);
  for (const id of before) expect(places.get(id)!.places).toEqual(['failed']);
  // Redis died before it ran the in-flight ones, and the bridge must not send them again on reconnect.
  for (const id of [...inFlight, ...after]) expect(places.get(id)!.places).toEqual(['active']);

  const cleared = await Promise.all([...inFlight, ...after, ...later].map(clear));
  expect(cleared.map((r) => r.status)).toEqual(cleared.map(() => 200));
  const end = await placesOf(h.redis, 'smartSearch', ids);
  expect(halfCleared(end)).toEqual([]);
  expect([...end.values()].every((w) => w.places[0] === 'failed')).toBe(true);
});

it('sees a queue created after start-up within one tick, and an uncatalogued one from the SCAN', async () => {
  await fresh();
  const ticks: string[][] = [];
  const off = h.bridge.snapshots.onSnapshot((s) => ticks.push(s.queues.map((q) => q.name)));
  try {
    await addImmichJobs(redisServer.url, 'editor', [{ name: 'AssetEditThumbnail', data: { id: 'a' } }]);
    await h.bridge.snapshots.tick();
    // The read that started after the queue was created already lists it.
    expect(ticks.at(-1)).toContain('editor');

    await addImmichJobs(redisServer.url, 'someFutureQueue', [{ name: 'Future', data: {} }]);
    await h.until(async () => (ticks.at(-1)?.includes('someFutureQueue') ? true : undefined), 30_000, 'the SCAN');
  } finally {
    off();
  }
});

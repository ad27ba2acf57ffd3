import { setTimeout as sleep } from 'node:timers/promises';
import type { QueuesResponse } from '@immich-admin-tools/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { startWorker } from '../../sim/src/bull/workers.ts';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { codeOf, orphanedJobs, placesOf, startRedisGate, type RedisGate } from './faults.ts';
import { startHarness, until, type BridgeHarness } from './harness.ts';

/**
 * "An action sent while Redis is down can hang and run minutes later once Redis is back": the bridge reaches
 * Redis through a gate that is shut (Redis down, as the bridge sees it) while a MONITOR on Redis itself sees
 * every command the bridge sends, before, during and after.
 */

let redisServer: RedisServer;
let gate: RedisGate;
let h: BridgeHarness;

beforeAll(async () => {
  redisServer = await startRedisServer();
  gate = await startRedisGate(redisServer.port);
  h = await startHarness({ REDIS_URL: gate.url }, redisServer);
});
afterAll(async () => {
  await h?.close();
  await gate?.close();
  await redisServer?.dispose();
});

/** `n` failed jobs in `queue`, failed by a sim worker that is gone afterwards. */
async function failedJobs(queue: string, name: string, n: number): Promise<string[]> {
  const worker = await startWorker({ redisUrl: redisServer.url, queue, behavior: 'fail', durationMs: 1 });
  const ids = await addImmichJobs(
    redisServer.url,
    queue,
    Array.from({ length: n }, (_, i) => ({ name, data: { id: `asset-${queue}-${i}` } })),
  );
  await h.until(async () => ((await h.redis.zcard(`immich_bull:${queue}:failed`)) === n ? true : undefined));
  await worker.close();
  return ids;
}

/** Connected again and serving a snapshot read since. */
const fresh = () =>
  h.until(
    async () => {
      await h.bridge.snapshots.tick();
      const body = (await h.api<QueuesResponse>('/api/queues')).body;
      return body.stale ? undefined : body;
    },
    30_000,
    'a fresh snapshot',
  );

const failedIds = async (queue: string) => (await h.redis.zrange(`immich_bull:${queue}:failed`, 0, -1)).sort();

it('answers every action 503 at once while Redis is out of reach, and runs none of them once it is back', async () => {
  const orphans = await orphanedJobs(h, redisServer.url, 'smartSearch', 4);
  // Queues the bridge never used BullMQ on: a Queue made now would wait for "ready" and run once Redis is back.
  const toClean = await failedJobs('ocr', 'Ocr', 3);
  const toRetry = await failedJobs('metadataExtraction', 'MetadataExtraction', 3);
  await h.until(async () => {
    const queues = (await fresh()).queues;
    const failed = (name: string) => queues.find((q) => q.name === name)?.counts.failed;
    return failed('ocr') === 3 && failed('metadataExtraction') === 3 ? true : undefined;
  });

  const actions = () =>
    Promise.all([
      h.api(`/api/queues/smartSearch/jobs/${orphans[1]}/clear`, { method: 'POST', json: { mode: 'fail' } }),
      h.api('/api/actions/clear-all-stuck', { method: 'POST', json: { mode: 'fail' } }),
      h.api('/api/queues/ocr/failed/clear', { method: 'POST' }),
      h.api('/api/queues/metadataExtraction/failed/retry', { method: 'POST' }),
    ]);
  const monitor = await new Redis(redisServer.url, { lazyConnect: true }).monitor();
  const sent: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (gate.sources.has(source)) sent.push(args);
  });
  /** The bridge's own commands (not those its scripts run) naming a key of the queues acted on. */
  const touches = (from: number) =>
    sent.slice(from).filter((args) => args.some((a) => /^immich_bull:(smartSearch|ocr|metadataExtraction):/.test(a)));
  try {
    // What the check looks for: an action run while Redis answers shows the queue's keys in MONITOR.
    const done = await h.api(`/api/queues/smartSearch/jobs/${orphans[0]}/clear`, {
      method: 'POST',
      json: { mode: 'fail' },
    });
    expect(done.status).toBe(200);
    await until(async () => (touches(0).length > 0 ? true : undefined), 5000, 'the clear in MONITOR');

    gate.shut();
    // Reconnect attempts are over a second apart by now: a command kept for later would run at the next one.
    await h.until(async () => (gate.refused >= 4 ? true : undefined), 20_000, 'reconnect attempts');
    const from = sent.length;
    const pending = actions();
    // Correct answers come at once; one still waiting for Redis when it is back would then run.
    await Promise.race([pending, sleep(500)]);
    gate.open();
    const answers = await pending;
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(codeOf(answer.body)).toBe('REDIS_UNAVAILABLE');
    }

    await fresh();
    await h.bridge.snapshots.tick();
    await h.bridge.snapshots.tick();
    // Any command of those actions was sent by now: MONITOR shows none.
    await until(async () => (sent.length > from ? true : undefined), 5000, 'the bridge back in MONITOR');
    expect(touches(from)).toEqual([]);
  } finally {
    monitor.disconnect();
  }
  const places = await placesOf(h.redis, 'smartSearch', orphans);
  expect(places.get(orphans[0]!)!.places).toEqual(['failed']);
  for (const id of orphans.slice(1)) expect(places.get(id)!.places).toEqual(['active']);
  expect(await failedIds('ocr')).toEqual([...toClean].sort());
  expect(await failedIds('metadataExtraction')).toEqual([...toRetry].sort());
  expect(await h.redis.llen('immich_bull:metadataExtraction:wait')).toBe(0);

  // Asked again with Redis there, the same actions run.
  const again = await actions();
  expect(again.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  expect(await failedIds('ocr')).toEqual([]);
});

import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addImmichJobs } from '../../../sim/src/bull/immich-queues.ts';
import { startRedisServer, type RedisServer } from '../../../sim/src/redis/redis-server.ts';
import { AssetCache } from '../assets/asset-cache.ts';
import { RedisLink } from '../redis/connection.ts';
import { QueueRepository } from '../redis/queue.repository.ts';
import { SnapshotService } from './snapshot.service.ts';

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  await addImmichJobs(server.url, 'ocr', [{ name: 'Ocr', data: { id: 'a' } }]);
});
afterAll(async () => {
  redis.disconnect();
  await server.dispose();
});

it('runs ticks one after another, so two never read the same events', async () => {
  const silent = pino({ level: 'silent' });
  const repository = new QueueRepository(new RedisLink(redis, silent));
  const read = repository.readSnapshot.bind(repository);
  let running = 0;
  let most = 0;
  repository.readSnapshot = async (queues) => {
    most = Math.max(most, ++running);
    try {
      return await read(queues);
    } finally {
      running--;
    }
  };
  const config = { pollIntervalMs: 60_000, stuckThresholds: {}, excludedQueues: new Set<string>() };
  const service = new SnapshotService(repository, new AssetCache(null, silent), config, silent);

  await Promise.all(Array.from({ length: 8 }, () => service.tick()));
  expect(most).toBe(1);
  expect(service.snapshot?.queues.map((q) => q.name)).toEqual(['ocr']);
});

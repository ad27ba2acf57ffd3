import { QUEUES } from '@immich-admin-tools/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../redis/redis-server.ts';
import { startDemoMix } from './demo-mix.ts';

let server: RedisServer;
let redis: Redis;
const key = (queue: string, suffix: string) => `immich_bull:${queue}:${suffix}`;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.dispose();
});

it('puts each stuck state in its queue and makes every Immich queue discoverable', async () => {
  const mix = await startDemoMix({ redisUrl: server.url, orphanLockDuration: 1000 });
  try {
    for (const { name } of QUEUES) expect(await redis.exists(key(name, 'meta')), name).toBe(1);
    const hungIds = await redis.lrange(key('faceDetection', 'active'), 0, -1);
    expect(hungIds).toHaveLength(2);
    for (const id of hungIds) expect(await redis.pttl(key('faceDetection', `${id}:lock`))).toBeGreaterThan(0);
    const [orphan] = await redis.lrange(key('smartSearch', 'active'), 0, -1);
    await expect.poll(() => redis.pttl(key('smartSearch', `${orphan}:lock`)), { timeout: 5_000 }).toBe(-2);
    expect(await redis.hget(key('videoConversion', 'meta'), 'paused')).toBe('1');
    expect(await redis.zcard(key('ocr', 'failed'))).toBe(4);
    const [mail] = await redis.zrange(key('notifications', 'failed'), 0, -1);
    expect(await redis.hget(key('notifications', mail!), 'name')).toBe('SendMail');
    const [danglingId] = await redis.lrange(key('duplicateDetection', 'active'), 0, -1);
    expect(await redis.exists(key('duplicateDetection', danglingId!))).toBe(0);
    expect(await redis.llen(key('metadataExtraction', 'wait'))).toBeGreaterThan(0);
  } finally {
    await mix.stop();
  }
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startRedisServer, type RedisServer } from '../src/redis/redis-server.ts';

export interface RedisFixture {
  server: RedisServer;
  redis: Redis;
}

/** A private redis-server and a client on it for the file's tests. */
export function useRedis(): RedisFixture {
  const fixture = {} as RedisFixture;
  beforeAll(async () => {
    fixture.server = await startRedisServer();
    fixture.redis = new Redis(fixture.server.url);
  });
  afterAll(async () => {
    fixture.redis?.disconnect();
    await fixture.server?.dispose();
  });
  return fixture;
}

export const bullKey = (queue: string, suffix: string) => `immich_bull:${queue}:${suffix}`;

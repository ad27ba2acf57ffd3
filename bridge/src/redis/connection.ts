import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../config.ts';

/**
 * One client for reads and actions. No offline queue: while Redis is away a command fails at once,
 * so a tick or an action answers "Redis down" instead of piling up; ioredis keeps reconnecting.
 */
export function createRedis(settings: RedisSettings): Redis {
  const common: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(250 * attempt, 2000),
    connectionName: 'immich-admin-tools:bridge',
  };
  return settings.kind === 'url'
    ? new Redis(settings.url, common)
    : new Redis({ ...(settings.options as RedisOptions), ...common });
}

/** Resolves once the client is ready, or after timeoutMs: a bridge starts even while Redis is down. */
export function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}

import { Redis } from 'ioredis';
import { IMMICH_PREFIX } from '../bull/immich-queues.ts';

/**
 * True when the Redis at `url` already holds Immich keys, i.e. it may be a real Immich's. SCAN (never KEYS)
 * and stop at the first hit.
 */
export async function holdsImmichKeys(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${IMMICH_PREFIX}:*`, 'COUNT', 1000);
      if (keys.length > 0) return true;
      cursor = next;
    } while (cursor !== '0');
    return false;
  } finally {
    redis.disconnect();
  }
}

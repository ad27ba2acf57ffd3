import type { ConnectionOptions } from 'bullmq';

/**
 * ioredis options for BullMQ from a `redis://[user:pass@]host:port[/db]` URL. BullMQ takes an options object
 * (not a URL) when it should own, and close, its connections.
 */
export function connectionFromUrl(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  const db = Number(url.pathname.replace(/^\//, '') || '0');
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: Number.isFinite(db) ? db : 0,
    // Workers need it; queues do not mind, and failing fast on a stopped test server is not wanted here.
    maxRetriesPerRequest: null,
  };
}

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TOKEN, type BridgeHarness } from './harness.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const READ_TOKEN = 'read-token-0123456789abcdef';

let h: BridgeHarness;
const scrape = (token: string | null) =>
  fetch(`${h.bridge.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  h = await startHarness({ METRICS_TOKEN, BRIDGE_READ_TOKEN: READ_TOKEN });
});
afterAll(() => h?.close());

describe('GET /metrics', () => {
  it('takes METRICS_TOKEN, the main token and the read-only token, and nothing else', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('wrong-token-0123456789abcdef')).status).toBe(401);
    for (const token of [METRICS_TOKEN, TOKEN, READ_TOKEN]) {
      const res = await scrape(token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toMatch(/^immich_admin_redis_up 1$/m);
      expect(text).toMatch(/^# TYPE immich_admin_job_duration_seconds histogram$/m);
      expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    }
  });

  it('is served from the last snapshot: a scrape sends Redis no command', async () => {
    await h.bridge.snapshots.stop();
    const monitor = new Redis(h.redisServer.url, { maxRetriesPerRequest: 1 });
    const seen: string[] = [];
    const feed = await monitor.monitor();
    feed.on('monitor', (_time: string, args: string[]) => seen.push(args.join(' ')));
    // MONITOR starts with the next command: a marker proves it listens before the scrapes.
    await h.redis.echo('marker-before');
    await h.until(async () => (seen.some((c) => c.includes('marker-before')) ? true : undefined), 5000, 'MONITOR');
    for (let i = 0; i < 5; i++) expect((await scrape(TOKEN)).status).toBe(200);
    await h.redis.echo('marker-after');
    await h.until(async () => (seen.some((c) => c.includes('marker-after')) ? true : undefined), 5000, 'MONITOR');
    const between = seen.slice(
      seen.findIndex((c) => c.includes('marker-before')) + 1,
      seen.findIndex((c) => c.includes('marker-after')),
    );
    expect(between).toEqual([]);
    feed.disconnect();
    monitor.disconnect();
  });
});

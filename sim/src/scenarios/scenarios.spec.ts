import { describe, expect, it } from 'vitest';
import { bullKey, useRedis } from '../../test/use-redis.ts';
import * as dangling from './dangling.scenario.ts';
import * as failed from './failed.scenario.ts';
import * as healthy from './healthy.scenario.ts';
import * as hung from './hung.scenario.ts';
import * as orphaned from './orphaned.scenario.ts';
import * as paused from './paused.scenario.ts';

const fixture = useRedis();
const key = bullKey;
const workerName = (queue: string) => `immich_bull:${Buffer.from(queue).toString('base64')}:w:microservices`;

describe('scenarios', () => {
  it('healthy: jobs keep completing while a backlog waits', async () => {
    const queue = 'metadataExtraction';
    const run = await healthy.start({
      redisUrl: fixture.server.url,
      queue,
      concurrency: 2,
      durationMs: 100,
      backlog: 8,
      tickMs: 100,
    });
    try {
      const completed = async () =>
        (await fixture.redis.xrange(key(queue, 'events'), '-', '+')).filter(([, f]) => f[1] === 'completed').length;
      await expect.poll(completed, { timeout: 10_000 }).toBeGreaterThanOrEqual(20);
      expect(await fixture.redis.llen(key(queue, 'wait'))).toBeGreaterThan(0);
      expect(await fixture.redis.zcard(key(queue, 'failed'))).toBe(0);
    } finally {
      await run.stop();
    }
  });

  it('hung: every slot is held by a live, locked job; the rest waits', async () => {
    const queue = 'faceDetection';
    const run = await hung.start({ redisUrl: fixture.server.url, queue, waiting: 3 });
    try {
      expect(run.jobIds).toHaveLength(2); // faceDetection's Immich concurrency
      expect((await fixture.redis.lrange(key(queue, 'active'), 0, -1)).sort()).toEqual([...run.jobIds].sort());
      for (const id of run.jobIds) expect(await fixture.redis.pttl(key(queue, `${id}:lock`))).toBeGreaterThan(0);
      expect(await fixture.redis.llen(key(queue, 'wait'))).toBe(3);
      expect(String(await fixture.redis.client('LIST'))).toContain(workerName(queue));
    } finally {
      await run.stop();
    }
  });

  it('orphaned: the killed worker leaves its job in active with a lock that runs out, and no worker', async () => {
    const queue = 'smartSearch';
    const run = await orphaned.start({ redisUrl: fixture.server.url, queue, lockDuration: 1500, waiting: 2 });
    try {
      expect(() => process.kill(run.pid, 0)).toThrow();
      const [id] = run.jobIds;
      await expect.poll(() => fixture.redis.pttl(key(queue, `${id}:lock`)), { timeout: 5_000, interval: 200 }).toBe(-2);
      expect(await fixture.redis.lrange(key(queue, 'active'), 0, -1)).toEqual([id]);
      expect(await fixture.redis.llen(key(queue, 'wait'))).toBe(2);
      expect(String(await fixture.redis.client('LIST'))).not.toContain(workerName(queue));
    } finally {
      await run.stop();
    }
  });

  it('paused: meta paused is set and the jobs sit in paused, untouched by the live worker', async () => {
    const queue = 'videoConversion';
    const run = await paused.start({ redisUrl: fixture.server.url, queue, count: 4 });
    try {
      expect(await fixture.redis.hget(key(queue, 'meta'), 'paused')).toBe('1');
      expect(await fixture.redis.llen(key(queue, 'paused'))).toBe(4);
      expect(await fixture.redis.llen(key(queue, 'wait'))).toBe(0);
      expect(await fixture.redis.llen(key(queue, 'active'))).toBe(0);
      const [first] = run.jobIds;
      expect(await fixture.redis.hget(key(queue, first!), 'name')).toBe('AssetEncodeVideo');
    } finally {
      await run.stop();
    }
  });

  it('failed: jobs end in failed with a failedReason', async () => {
    const queue = 'ocr';
    const run = await failed.start({ redisUrl: fixture.server.url, queue, count: 3 });
    try {
      expect(await fixture.redis.zcard(key(queue, 'failed'))).toBe(3);
      for (const id of run.jobIds) {
        expect(await fixture.redis.hget(key(queue, id), 'failedReason')).toBe('job stalled more than allowable limit');
      }
    } finally {
      await run.stop();
    }
  });

  it('dangling: an id in active without a job hash, on a discoverable queue', async () => {
    const queue = 'duplicateDetection';
    const run = await dangling.start({ redisUrl: fixture.server.url, queue, jobId: '4242' });
    try {
      expect(await fixture.redis.lrange(key(queue, 'active'), 0, -1)).toEqual(['4242']);
      expect(await fixture.redis.exists(key(queue, '4242'))).toBe(0);
      expect(await fixture.redis.hget(key(queue, 'meta'), 'version')).toMatch(/^bullmq:/);
    } finally {
      await run.stop();
    }
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { bullKey, useRedis } from '../../test/use-redis.ts';
import { addImmichJobs } from './immich-queues.ts';
import { spawnWorkerProcess, startWorker } from './workers.ts';

const fixture = useRedis();
const key = bullKey;
const job = (id: string) => ({ name: 'AssetDetectFaces', data: { id } });

describe('addImmichJobs', () => {
  it('writes jobs with Immich v3.1 options and records the bullmq version in meta', async () => {
    const ids = await addImmichJobs(fixture.server.url, 'sidecar', [{ name: 'SidecarCheck', data: { id: 'asset-1' } }]);
    expect(ids).toHaveLength(1);
    const hash = await fixture.redis.hgetall(key('sidecar', ids[0]!));
    expect(hash.name).toBe('SidecarCheck');
    expect(JSON.parse(hash.data!)).toEqual({ id: 'asset-1' });
    expect(JSON.parse(hash.opts!)).toMatchObject({ attempts: 1, removeOnComplete: true, removeOnFail: false });
    expect(await fixture.redis.hget(key('sidecar', 'meta'), 'version')).toBe('bullmq:5.80.5');
  });
});

describe('startWorker', () => {
  it('hang: holds the job in active and keeps renewing its lock; named like Immich in CLIENT LIST', async () => {
    const queue = 'faceDetection';
    const [id] = await addImmichJobs(fixture.server.url, queue, [job('hung-1')]);
    const worker = await startWorker({ redisUrl: fixture.server.url, queue, behavior: 'hang', lockDuration: 2000 });
    try {
      expect(await worker.waitForActive(1)).toEqual([id]);
      const clients = String(await fixture.redis.client('LIST'));
      const base64 = Buffer.from(queue).toString('base64');
      expect(clients).toContain(`name=immich_bull:${base64}:w:microservices `);
      // Renewed every lockDuration/2: after more than one lock duration the lock must still be there.
      await sleep(2600);
      expect(await fixture.redis.pttl(key(queue, `${id}:lock`))).toBeGreaterThan(0);
      expect(await fixture.redis.lrange(key(queue, 'active'), 0, -1)).toContain(id);
      expect(await fixture.redis.hget(key(queue, id!), 'pb')).toBe('microservices');
    } finally {
      await worker.close();
    }
    // Closed: nobody renews it any more, the job is left orphaned in active.
    await sleep(2300);
    expect(await fixture.redis.pttl(key(queue, `${id}:lock`))).toBe(-2);
    expect(await fixture.redis.lrange(key(queue, 'active'), 0, -1)).toContain(id);
    expect(String(await fixture.redis.client('LIST'))).not.toContain(':w:microservices');
  });

  it('complete: jobs finish and, as in Immich, are removed', async () => {
    const queue = 'thumbnailGeneration';
    const ids = await addImmichJobs(fixture.server.url, queue, [job('ok-1'), job('ok-2'), job('ok-3')]);
    const worker = await startWorker({
      redisUrl: fixture.server.url,
      queue,
      behavior: 'complete',
      durationMs: 50,
      concurrency: 3,
    });
    try {
      await expect.poll(() => fixture.redis.exists(...ids.map((id) => key(queue, id))), { timeout: 10_000 }).toBe(0);
      expect(await fixture.redis.llen(key(queue, 'active'))).toBe(0);
      expect(await fixture.redis.zcard(key(queue, 'completed'))).toBe(0);
      expect(worker.active).toEqual([]);
    } finally {
      await worker.close();
    }
  });

  it('fail: jobs land in failed with the reason', async () => {
    const queue = 'ocr';
    const [id] = await addImmichJobs(fixture.server.url, queue, [{ name: 'Ocr', data: { id: 'bad-1' } }]);
    const worker = await startWorker({
      redisUrl: fixture.server.url,
      queue,
      behavior: 'fail',
      durationMs: 20,
      failReason: 'boom',
    });
    try {
      await expect.poll(() => fixture.redis.zscore(key(queue, 'failed'), id!), { timeout: 10_000 }).not.toBeNull();
      expect(await fixture.redis.hget(key(queue, id!), 'failedReason')).toBe('boom');
    } finally {
      await worker.close();
    }
  });
});

describe('spawnWorkerProcess', () => {
  it('SIGKILL leaves the job in active and its lock expires after lockDuration', async () => {
    const queue = 'smartSearch';
    const [id] = await addImmichJobs(fixture.server.url, queue, [{ name: 'SmartSearch', data: { id: 'orphan-1' } }]);
    const child = await spawnWorkerProcess({
      redisUrl: fixture.server.url,
      queue,
      behavior: 'hang',
      lockDuration: 2000,
    });
    expect(await child.waitForActive(1, 15_000)).toEqual([id]);
    expect(await fixture.redis.pttl(key(queue, `${id}:lock`))).toBeGreaterThan(0);
    await child.kill();
    expect(() => process.kill(child.pid, 0)).toThrow();
    await expect.poll(() => fixture.redis.pttl(key(queue, `${id}:lock`)), { timeout: 5_000, interval: 200 }).toBe(-2);
    expect(await fixture.redis.lrange(key(queue, 'active'), 0, -1)).toEqual([id]);
    expect(await fixture.redis.hget(key(queue, id!), 'name')).toBe('SmartSearch');
  });
});

import { QUEUES } from '@immich-admin-tools/shared';
import { expect, it } from 'vitest';
import { bullKey, useRedis } from '../../test/use-redis.ts';
import { startDemoMix } from './demo-mix.ts';

const fixture = useRedis();
const key = bullKey;

it('puts each stuck state in its queue and makes every Immich queue discoverable', async () => {
  const mix = await startDemoMix({ redisUrl: fixture.server.url, orphanLockDuration: 1000 });
  try {
    for (const { name } of QUEUES) expect(await fixture.redis.exists(key(name, 'meta')), name).toBe(1);
    const hungIds = await fixture.redis.lrange(key('faceDetection', 'active'), 0, -1);
    expect(hungIds).toHaveLength(2);
    for (const id of hungIds) expect(await fixture.redis.pttl(key('faceDetection', `${id}:lock`))).toBeGreaterThan(0);
    const [orphan] = await fixture.redis.lrange(key('smartSearch', 'active'), 0, -1);
    await expect.poll(() => fixture.redis.pttl(key('smartSearch', `${orphan}:lock`)), { timeout: 5_000 }).toBe(-2);
    expect(await fixture.redis.hget(key('videoConversion', 'meta'), 'paused')).toBe('1');
    expect(await fixture.redis.zcard(key('ocr', 'failed'))).toBe(4);
    const [mail] = await fixture.redis.zrange(key('notifications', 'failed'), 0, -1);
    expect(await fixture.redis.hget(key('notifications', mail!), 'name')).toBe('SendMail');
    const [danglingId] = await fixture.redis.lrange(key('duplicateDetection', 'active'), 0, -1);
    expect(await fixture.redis.exists(key('duplicateDetection', danglingId!))).toBe(0);
    expect(await fixture.redis.llen(key('metadataExtraction', 'wait'))).toBeGreaterThan(0);
  } finally {
    await mix.stop();
  }
});

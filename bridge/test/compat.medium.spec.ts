import type { StatusResponse } from '@immich-admin-tools/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { startHarness, type BridgeHarness } from './harness.ts';

// A Redis whose Immich runs a BullMQ major the bridge was never tested with (written as BullMQ itself would).
describe('version gating', () => {
  let redisServer: RedisServer;
  beforeAll(async () => {
    redisServer = await startRedisServer();
    await addImmichJobs(redisServer.url, 'ocr', [{ name: 'Ocr', data: { id: 'a' } }]);
    const redis = new Redis(redisServer.url, { commandTimeout: 2000 });
    await redis.hset('immich_bull:ocr:meta', 'version', 'bullmq:6.0.0');
    redis.disconnect();
  });
  afterAll(() => redisServer.dispose());

  const untested = async (h: BridgeHarness) => {
    const status = await h.until(async () => {
      const { body } = await h.api<StatusResponse>('/api/status');
      return body.bullmqVersion === '6.0.0' ? body : undefined;
    });
    return status.compatibility!;
  };

  it('says so in the status and refuses to clear with 409 UNTESTED_VERSION', async () => {
    const h = await startHarness({}, redisServer);
    try {
      expect(await untested(h)).toMatchObject({ bullmq: { version: '6.0.0', tested: false }, actionsAllowed: false });
      const refused = await h.api<{ error: { code: string; message: string } }>('/api/queues/ocr/clear-stuck', {
        method: 'POST',
        json: {},
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({
        code: 'UNTESTED_VERSION',
        message: expect.stringMatching(/ALLOW_UNTESTED/),
      });
    } finally {
      await h.close();
    }
  });

  it('acts again with ALLOW_UNTESTED=true', async () => {
    const h = await startHarness({ ALLOW_UNTESTED: 'true' }, redisServer);
    try {
      expect(await untested(h)).toMatchObject({ actionsAllowed: true });
      const cleared = await h.api('/api/queues/ocr/clear-stuck', { method: 'POST', json: {} });
      expect(cleared.status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

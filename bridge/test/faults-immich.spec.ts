import type { ClearJobResponse, QueuesResponse } from '@immich-admin-tools/shared';
import { expect, it } from 'vitest';
import { ASSETS } from '../../sim/src/fake-immich/assets.ts';
import { codeOf, orphanedJobs } from './faults.ts';
import { useStack } from './harness.ts';

/** Immich's API broken (500s) or hanging: the Redis side keeps working, the Immich side says what failed. */

const s = useStack();

const errorMessage = (body: unknown) => (body as { error: { message: string } }).error.message;

it.each([
  ['answering 500s', 'error', /HTTP 500/],
  ['not answering', 'hang', /did not answer/],
] as const)('with Immich %s: Redis features work, Immich ones answer 502 saying why', async (_, fault, why) => {
  const queue = fault === 'error' ? 'smartSearch' : 'faceDetection';
  const [jobId] = await orphanedJobs(s.h, s.redisServer.url, queue, 1);
  s.immich.setFault(fault);
  try {
    const [paused, thumbnail, queues, cleared] = await Promise.all([
      s.h.api(`/api/queues/${queue}/pause`, { method: 'POST' }),
      s.h.api(`/api/assets/${ASSETS[0]!.id}/thumbnail`),
      s.h.api<QueuesResponse>('/api/queues'),
      s.h.api<ClearJobResponse>(`/api/queues/${queue}/jobs/${jobId}/clear`, { method: 'POST', json: {} }),
    ]);
    expect(paused.status).toBe(502);
    expect(codeOf(paused.body)).toBe('IMMICH_UNAVAILABLE');
    expect(errorMessage(paused.body)).toMatch(why);
    expect(thumbnail.status).toBe(502);
    expect(codeOf(thumbnail.body)).toBe('IMMICH_UNAVAILABLE');

    expect(queues.status).toBe(200);
    expect(queues.body.stale).toBe(false);
    expect(cleared.status).toBe(200);
    expect(await s.h.redis.zscore(`immich_bull:${queue}:failed`, jobId!)).not.toBeNull();
    expect(await s.h.redis.hexists(`immich_bull:${queue}:meta`, 'paused')).toBe(0);
  } finally {
    s.immich.setFault(null);
  }
  const resumed = await s.h.api(`/api/queues/${queue}/pause`, { method: 'POST' });
  expect(resumed.status).toBe(200);
  expect(await s.h.redis.hexists(`immich_bull:${queue}:meta`, 'paused')).toBe(1);
});

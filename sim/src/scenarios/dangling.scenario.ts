import { Redis } from 'ioredis';
import { IMMICH_PREFIX, openImmichQueue } from '../bull/immich-queues.ts';
import type { RunningScenario, ScenarioContext } from './scenario.ts';

export interface DanglingContext extends ScenarioContext {
  /** The id left in `active`; numeric like BullMQ's own. */
  jobId?: string;
}

/** An id in `active` whose job hash is gone. */
export async function start(ctx: DanglingContext): Promise<RunningScenario & { jobIds: string[] }> {
  const queueName = ctx.queue ?? 'duplicateDetection';
  const jobId = ctx.jobId ?? '900001';
  // Opened like Immich opens every queue, so `meta` exists and the queue is discoverable.
  const queue = openImmichQueue(ctx.redisUrl, queueName, ctx.immich?.bullmq);
  const redis = new Redis(ctx.redisUrl, { lazyConnect: true });
  try {
    // The one raw write in the simulator: no BullMQ call leaves this state. In the wild it follows a job hash
    // deleted by hand (redis-cli DEL), evicted under maxmemory, or lost in a partial restore, while its id
    // stayed in `active`. Workers move jobs into `active` from the left, so LPUSH puts it where they would.
    await redis.lpush(`${IMMICH_PREFIX}:${queueName}:active`, jobId);
    // Same connection as the queue's meta write, so that write has landed once this answers.
    await queue.getActiveCount();
    return { jobIds: [jobId], stop: () => queue.close() };
  } catch (error) {
    await queue.close();
    throw error;
  } finally {
    redis.disconnect();
  }
}

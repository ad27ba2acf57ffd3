import { addJobs, openImmichQueue } from '../bull/immich-queues.ts';
import { immichJobsFor } from '../bull/immich-jobs.ts';
import { spawnWorkerProcess } from '../bull/workers.ts';
import { stopAll, type RunningScenario, type ScenarioContext } from './scenario.ts';

export interface OrphanedContext extends ScenarioContext {
  /** Jobs the killed worker held. */
  count?: number;
  /** Lock duration of the worker that dies (BullMQ's 30000 by default); the lock expires this long after. */
  lockDuration?: number;
  /** Jobs left waiting with no worker to take them. */
  waiting?: number;
  offset?: number;
}

/**
 * A worker process SIGKILLed mid-job, like a crashed `immich_server`: its jobs stay in `active`, their locks run
 * out after lockDuration, and with no worker left on the queue nothing ever recovers them.
 */
export async function start(ctx: OrphanedContext): Promise<RunningScenario & { jobIds: string[]; pid: number }> {
  const queueName = ctx.queue ?? 'smartSearch';
  const count = ctx.count ?? 1;
  const offset = ctx.offset ?? 0;
  const queue = openImmichQueue(ctx.redisUrl, queueName, ctx.immich?.bullmq);
  const stops = [() => queue.close()];
  try {
    const jobIds = await addJobs(queue, immichJobsFor(queueName, count, offset));
    const child = await spawnWorkerProcess({
      redisUrl: ctx.redisUrl,
      workerName: ctx.immich?.workerName,
      queue: queueName,
      behavior: 'hang',
      concurrency: count,
      ...(ctx.lockDuration ? { lockDuration: ctx.lockDuration } : {}),
    });
    stops.push(() => child.kill());
    await child.waitForActive(count);
    await child.kill();
    await addJobs(queue, immichJobsFor(queueName, ctx.waiting ?? 0, offset + count));
    return { jobIds, pid: child.pid, stop: () => stopAll(stops) };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

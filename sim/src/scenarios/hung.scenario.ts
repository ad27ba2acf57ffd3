import { queueInfo } from '@immich-admin-tools/shared';
import { addJobs, openImmichQueue } from '../bull/immich-queues.ts';
import { immichJobsFor } from '../bull/immich-jobs.ts';
import { startWorker } from '../bull/workers.ts';
import { stopAll, type RunningScenario, type ScenarioContext } from './scenario.ts';

export interface HungContext extends ScenarioContext {
  /** Hung jobs; defaults to the queue's Immich concurrency, so every slot is held. */
  count?: number;
  /** Jobs left waiting behind the hung ones (they never start: the slots stay taken). */
  waiting?: number;
  /** Where in the asset catalogue the jobs start. */
  offset?: number;
}

/** Processors that never return: live locks, renewed by a live worker, on jobs that never finish. */
export async function start(ctx: HungContext): Promise<RunningScenario & { jobIds: string[] }> {
  const queueName = ctx.queue ?? 'faceDetection';
  const count = ctx.count ?? queueInfo(queueName).concurrency;
  const offset = ctx.offset ?? 0;
  const queue = openImmichQueue(ctx.redisUrl, queueName, ctx.immich?.bullmq);
  const stops = [() => queue.close()];
  try {
    const jobIds = await addJobs(queue, immichJobsFor(queueName, count, offset));
    const worker = await startWorker({
      redisUrl: ctx.redisUrl,
      workerName: ctx.immich?.workerName,
      queue: queueName,
      behavior: 'hang',
      concurrency: count,
    });
    stops.push(() => worker.close());
    await worker.waitForActive(count);
    // Added after the slots are full, so these stay waiting (the blocked queue an admin sees).
    await addJobs(queue, immichJobsFor(queueName, ctx.waiting ?? 0, offset + count));
    return { jobIds, stop: () => stopAll(stops) };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

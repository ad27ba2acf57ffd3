import { queueInfo } from '@immich-admin-tools/shared';
import { addJobs, openImmichQueue } from '../bull/immich-queues.ts';
import { immichJobsFor } from '../bull/immich-jobs.ts';
import { startWorker } from '../bull/workers.ts';
import { stopAll, type RunningScenario, type ScenarioContext } from './scenario.ts';

export interface PausedContext extends ScenarioContext {
  /** Jobs waiting in the paused queue. */
  count?: number;
  durationMs?: number;
}

/**
 * A queue paused through BullMQ's `pause()` (as Immich's Pause does) with jobs waiting, and a live worker that
 * would run them on resume.
 */
export async function start(ctx: PausedContext): Promise<RunningScenario & { jobIds: string[] }> {
  const queueName = ctx.queue ?? 'videoConversion';
  const queue = openImmichQueue(ctx.redisUrl, queueName, ctx.immich?.bullmq);
  const stops = [() => queue.close()];
  try {
    // Paused before adding, so the jobs go straight to `paused` and the worker below takes none.
    await queue.pause();
    const jobIds = await addJobs(queue, immichJobsFor(queueName, ctx.count ?? 5));
    const worker = await startWorker({
      redisUrl: ctx.redisUrl,
      workerName: ctx.immich?.workerName,
      queue: queueName,
      behavior: 'complete',
      durationMs: ctx.durationMs ?? 1_000,
      concurrency: queueInfo(queueName).concurrency,
    });
    stops.push(() => worker.close());
    return { jobIds, stop: () => stopAll(stops) };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

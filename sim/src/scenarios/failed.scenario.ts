import { addJobs, openImmichQueue } from '../bull/immich-queues.ts';
import { immichJobsFor } from '../bull/immich-jobs.ts';
import { startWorker } from '../bull/workers.ts';
import { stopAll, waitFor, type RunningScenario, type ScenarioContext } from './scenario.ts';

export interface FailedContext extends ScenarioContext {
  count?: number;
  failReason?: string;
  offset?: number;
}

/** Jobs that end in `failed` with a failedReason (attempts 1, removeOnFail false, as in Immich). */
export async function start(ctx: FailedContext): Promise<RunningScenario & { jobIds: string[] }> {
  const queueName = ctx.queue ?? 'ocr';
  const count = ctx.count ?? 3;
  const queue = openImmichQueue(ctx.redisUrl, queueName, ctx.immich?.bullmq);
  const stops = [() => queue.close()];
  try {
    const before = await queue.getFailedCount();
    const worker = await startWorker({
      redisUrl: ctx.redisUrl,
      workerName: ctx.immich?.workerName,
      queue: queueName,
      behavior: 'fail',
      durationMs: 50,
      // Immich's usual failure: BullMQ gave up on a job whose lock ran out twice.
      failReason: ctx.failReason ?? 'job stalled more than allowable limit',
    });
    stops.push(() => worker.close());
    const jobIds = await addJobs(queue, immichJobsFor(queueName, count, ctx.offset ?? 0));
    await waitFor(`${count} failed jobs in ${queueName}`, async () => (await queue.getFailedCount()) >= before + count);
    return { jobIds, stop: () => stopAll(stops) };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

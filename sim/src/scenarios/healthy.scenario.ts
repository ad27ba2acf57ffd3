import { queueInfo } from '@immich-admin-tools/shared';
import { addJobs, openImmichQueue } from '../bull/immich-queues.ts';
import { immichJobsFor } from '../bull/immich-jobs.ts';
import { startWorker } from '../bull/workers.ts';
import { stopAll, type RunningScenario, type ScenarioContext } from './scenario.ts';

export interface HealthyContext extends ScenarioContext {
  /** Defaults to the queue's Immich concurrency. */
  concurrency?: number;
  /** How long each job runs (ms). */
  durationMs?: number;
  /** Jobs kept waiting: the producer tops `wait` up to this every tick. */
  backlog?: number;
  tickMs?: number;
}

/** Steady throughput: a worker completes jobs while a producer keeps a small backlog waiting. */
export async function start(ctx: HealthyContext): Promise<RunningScenario> {
  const queueName = ctx.queue ?? 'thumbnailGeneration';
  const backlog = ctx.backlog ?? 10;
  const tickMs = ctx.tickMs ?? 500;
  const queue = openImmichQueue(ctx.redisUrl, queueName, ctx.immich?.bullmq);
  const worker = await startWorker({
    redisUrl: ctx.redisUrl,
    workerName: ctx.immich?.workerName,
    queue: queueName,
    behavior: 'complete',
    durationMs: ctx.durationMs ?? 400,
    concurrency: ctx.concurrency ?? queueInfo(queueName).concurrency,
  });

  let next = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const topUp = async () => {
    // LLEN-based counts only: a producer must not read the wait list itself.
    const waiting = (await queue.getWaitingCount()) + (await queue.getPrioritizedCount());
    const missing = Math.max(0, backlog - waiting);
    await addJobs(queue, immichJobsFor(queueName, missing, next));
    next += missing;
  };
  const tick = () => {
    inFlight = topUp()
      .catch((error: unknown) => console.error(`[sim healthy ${queueName}] ${String(error)}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, tickMs);
      });
  };
  await topUp();
  timer = setTimeout(tick, tickMs);

  return {
    stop: () =>
      stopAll([
        () => queue.close(),
        () => worker.close(),
        async () => {
          stopped = true;
          clearTimeout(timer);
          await inFlight;
        },
      ]),
  };
}

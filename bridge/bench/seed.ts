import { QUEUES } from '@immich-admin-tools/shared';
import { openImmichQueue } from '../../sim/src/bull/immich-queues.ts';
import { startWorker, type SimWorker } from '../../sim/src/bull/workers.ts';

/** DESIGN.md's Immich-like load, made the way Immich makes it (BullMQ addBulk, real workers). */
export const WAITING = 100_000;
export const ACTIVE = 50;
export const FAILED = 300;
/** Queues whose active jobs are held by live, hung workers (locks renewed). */
export const HUNG_QUEUES = QUEUES.slice(0, 10).map((q) => q.name);
const FAILED_QUEUES = QUEUES.slice(10, 13).map((q) => q.name);

/**
 * 19 queues, WAITING jobs waiting (queues paused so they stay waiting), ACTIVE active jobs held by live
 * workers across HUNG_QUEUES, FAILED failed jobs. Returns the workers, which the caller closes.
 */
export async function seedImmichLike(redisUrl: string): Promise<SimWorker[]> {
  const workers: SimWorker[] = [];
  const perQueue = Math.ceil(WAITING / QUEUES.length);
  const asset = (i: number) => ({ name: 'AssetGenerateThumbnails', data: { id: `asset-${i}` } });

  // Failed first, while these queues hold nothing else for the failing worker to take.
  for (const name of FAILED_QUEUES) {
    const queue = openImmichQueue(redisUrl, name);
    const worker = await startWorker({ redisUrl, queue: name, behavior: 'fail', durationMs: 1, concurrency: 10 });
    await queue.addBulk(Array.from({ length: FAILED / FAILED_QUEUES.length }, (_, i) => asset(i)));
    while ((await queue.getFailedCount()) < FAILED / FAILED_QUEUES.length) await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    await queue.close();
  }

  for (const info of QUEUES) {
    const queue = openImmichQueue(redisUrl, info.name);
    await queue.pause(); // keep the waiting jobs waiting while workers take only the active ones
    for (let offset = 0; offset < perQueue; offset += 5000) {
      const size = Math.min(5000, perQueue - offset);
      await queue.addBulk(Array.from({ length: size }, (_, i) => asset(offset + i)));
    }
    await queue.close();
  }

  const perHung = ACTIVE / HUNG_QUEUES.length;
  for (const name of HUNG_QUEUES) {
    const queue = openImmichQueue(redisUrl, name);
    await queue.resume();
    const worker = await startWorker({ redisUrl, queue: name, behavior: 'hang', concurrency: perHung });
    workers.push(worker);
    await worker.waitForActive(perHung, 30_000);
    await queue.pause();
    await queue.close();
  }
  return workers;
}

import { queueInfo } from '@immich-admin-tools/shared';
import { openImmichQueue } from '../bull/immich-queues.ts';
import { startWorker } from '../bull/workers.ts';
import * as dangling from './dangling.scenario.ts';
import * as failed from './failed.scenario.ts';
import * as healthy from './healthy.scenario.ts';
import * as hung from './hung.scenario.ts';
import * as orphaned from './orphaned.scenario.ts';
import * as paused from './paused.scenario.ts';
import { immichProfile, type ImmichProfile } from '../versions.ts';
import { stopAll, type RunningScenario } from './scenario.ts';

export interface DemoMixContext {
  redisUrl: string;
  /** Lock duration of the worker that gets killed; short so the orphan shows soon. */
  orphanLockDuration?: number;
  /** The release imitated (its queues, BullMQ version, worker name); 3.1 by default. */
  immich?: ImmichProfile;
}

/** Queues the mix puts a state in; every other queue gets an idle worker, as Immich runs one on each. */
const SCENARIO_QUEUES = new Set([
  'thumbnailGeneration',
  'metadataExtraction',
  'facialRecognition',
  'faceDetection',
  'smartSearch',
  'videoConversion',
  'ocr',
  'notifications',
  'duplicateDetection',
]);

/**
 * Every stuck state at once, across queues, for `pnpm demo`: busy thumbnails and metadata with a backlog, two
 * hung face detections blocking six more, an orphaned smart search with no worker left on its queue, a paused
 * video queue, failed OCR jobs, a failed mail (its secret-looking data must never show), a dangling id.
 */
export async function startDemoMix(ctx: DemoMixContext): Promise<RunningScenario> {
  const { redisUrl } = ctx;
  const immich = ctx.immich ?? immichProfile();
  const running: RunningScenario[] = [];
  const stop = () => stopAll(running.map((r) => () => r.stop()));
  try {
    running.push(await healthy.start({ redisUrl, immich, queue: 'thumbnailGeneration', backlog: 12, durationMs: 600 }));
    running.push(await healthy.start({ redisUrl, immich, queue: 'metadataExtraction', backlog: 25, durationMs: 900 }));
    running.push(await healthy.start({ redisUrl, immich, queue: 'facialRecognition', backlog: 4, durationMs: 300 }));
    running.push(await hung.start({ redisUrl, immich, queue: 'faceDetection', count: 2, waiting: 6, offset: 10 }));
    running.push(
      await orphaned.start({
        redisUrl,
        immich,
        queue: 'smartSearch',
        count: 1,
        waiting: 4,
        offset: 20,
        lockDuration: ctx.orphanLockDuration ?? 5_000,
      }),
    );
    running.push(await paused.start({ redisUrl, immich, queue: 'videoConversion', count: 7 }));
    running.push(await failed.start({ redisUrl, immich, queue: 'ocr', count: 4, offset: 30 }));
    running.push(
      await failed.start({
        redisUrl,
        immich,
        queue: 'notifications',
        count: 1,
        failReason: 'connect ECONNREFUSED 10.0.0.5:587',
      }),
    );
    running.push(await dangling.start({ redisUrl, immich, queue: 'duplicateDetection' }));
    for (const name of immich.queues.filter((q) => !SCENARIO_QUEUES.has(q))) {
      const queue = openImmichQueue(redisUrl, name, immich.bullmq);
      const worker = await startWorker({
        redisUrl,
        workerName: immich.workerName,
        queue: name,
        behavior: 'complete',
        concurrency: queueInfo(name).concurrency,
      });
      running.push({ stop: () => stopAll([() => queue.close(), () => worker.close()]) });
    }
    return { stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

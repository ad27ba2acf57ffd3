import type { QueueCommandDto, QueueResponseLegacyDto, QueuesResponseLegacyDto } from '@immich/sdk';
import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import { addJobs } from '../bull/immich-queues.ts';
import { requireAuth, type FakeAuth } from './auth.ts';
import { immichError } from './immich-errors.ts';
import type { QueueStore } from './queue-store.ts';

/** The job `start` queues per queue (QueueService.start); other queues answer 400 "Invalid job name". */
const START_JOBS: Readonly<Record<string, string>> = {
  videoConversion: 'AssetEncodeVideoQueueAll',
  storageTemplateMigration: 'StorageTemplateMigration',
  migration: 'FileMigrationQueueAll',
  smartSearch: 'SmartSearchQueueAll',
  duplicateDetection: 'AssetDetectDuplicatesQueueAll',
  metadataExtraction: 'AssetExtractMetadataQueueAll',
  sidecar: 'SidecarQueueAll',
  thumbnailGeneration: 'AssetGenerateThumbnailsQueueAll',
  faceDetection: 'AssetDetectFacesQueueAll',
  facialRecognition: 'FacialRecognitionQueueAll',
  library: 'LibraryScanQueueAll',
  backupDatabase: 'DatabaseBackup',
  ocr: 'OcrQueueAll',
};

async function legacyResponse(store: QueueStore, queue: Queue): Promise<QueueResponseLegacyDto> {
  const { statistics, isPaused } = await store.response(queue);
  return { jobCounts: statistics, queueStatus: { isActive: statistics.active > 0, isPaused } };
}

/** The legacy `/api/jobs` endpoints (deprecated in v2.4, still what Immich's own queue cards call), mounted at `/api/jobs`. */
export function jobsLegacyRoutes(store: QueueStore, auth: FakeAuth) {
  return new Hono()
    .use('*', requireAuth(auth))
    .get('/', async (c) => {
      const entries = await Promise.all(
        store.names.map(async (name) => [name, await legacyResponse(store, store.get(name)!)] as const),
      );
      return c.json(Object.fromEntries(entries) as QueuesResponseLegacyDto);
    })
    .put('/:name', async (c) => {
      const queue = store.get(c.req.param('name'));
      if (!queue) return immichError(c, 400, ['name: Invalid queue name']);
      const body = (await c.req.json().catch(() => ({}))) as Partial<QueueCommandDto>;
      switch (body.command) {
        case 'start': {
          const jobName = START_JOBS[queue.name];
          if (!jobName) return immichError(c, 400, `Invalid job name: ${queue.name}`);
          // A single active job, zombie or not, blocks Start in Immich (QueueService.start).
          if ((await queue.getActiveCount()) > 0) return immichError(c, 400, 'Job is already running');
          await addJobs(queue, [{ name: jobName, data: body.force === undefined ? {} : { force: body.force } }]);
          break;
        }
        case 'pause':
          await queue.pause();
          break;
        case 'resume':
          await queue.resume();
          break;
        case 'empty':
          await queue.drain();
          break;
        case 'clear-failed':
          await queue.clean(0, 1000, 'failed');
          break;
        default:
          return immichError(c, 400, [
            'command: Invalid option: expected one of start|pause|resume|empty|clear-failed',
          ]);
      }
      return c.json(await legacyResponse(store, queue));
    });
}

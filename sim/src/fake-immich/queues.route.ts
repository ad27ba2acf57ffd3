import type { QueueDeleteDto, QueueJobResponseDto, QueueUpdateDto, JobName } from '@immich/sdk';
import type { JobType } from 'bullmq';
import { Hono } from 'hono';
import { requireApiKey } from './auth.ts';
import { immichError } from './immich-errors.ts';
import type { QueueStore } from './queue-store.ts';

const JOB_STATUSES = ['active', 'failed', 'completed', 'delayed', 'waiting', 'paused'] as const;
type QueueJobStatus = (typeof JOB_STATUSES)[number];
const isJobStatus = (value: string): value is QueueJobStatus => (JOB_STATUSES as readonly string[]).includes(value);

/** Immich's Queues API (v2.4+, server/src/controllers/queue.controller.ts), mounted at `/api/queues`. */
export function queuesRoutes(store: QueueStore, apiKey: string) {
  return new Hono()
    .use('*', requireApiKey(apiKey))
    .get('/', async (c) => c.json(await Promise.all(store.names.map((name) => store.response(store.get(name)!)))))
    .get('/:name', async (c) => {
      const queue = store.get(c.req.param('name'));
      if (!queue) return immichError(c, 400, ['name: Invalid queue name']);
      return c.json(await store.response(queue));
    })
    .put('/:name', async (c) => {
      const queue = store.get(c.req.param('name'));
      if (!queue) return immichError(c, 400, ['name: Invalid queue name']);
      const body = (await c.req.json().catch(() => ({}))) as QueueUpdateDto;
      if (body.isPaused !== undefined && typeof body.isPaused !== 'boolean') {
        return immichError(c, 400, ['isPaused: Expected boolean']);
      }
      if (body.isPaused === true) {
        if (queue.name === 'backgroundTask') return immichError(c, 400, 'The BackgroundTask queue cannot be paused');
        await queue.pause();
      } else if (body.isPaused === false) {
        await queue.resume();
      }
      return c.json(await store.response(queue));
    })
    .get('/:name/jobs', async (c) => {
      const queue = store.get(c.req.param('name'));
      if (!queue) return immichError(c, 400, ['name: Invalid queue name']);
      const requested = c.req.queries('status') ?? [...JOB_STATUSES];
      const invalid = requested.filter((status) => !isJobStatus(status));
      if (invalid.length > 0) return immichError(c, 400, [`status: Invalid option: ${invalid.join(', ')}`]);
      // Immich's searchJobs: up to 1001 per status, mapped to id/name/timestamp/data only.
      const jobs = await queue.getJobs(requested as JobType[], 0, 1000);
      const body: QueueJobResponseDto[] = jobs
        .filter((job) => job !== undefined)
        .map((job) => ({
          id: job.id,
          name: job.name as JobName,
          data: job.data as Record<string, unknown>,
          timestamp: job.timestamp,
        }));
      return c.json(body);
    })
    .delete('/:name/jobs', async (c) => {
      const queue = store.get(c.req.param('name'));
      if (!queue) return immichError(c, 400, ['name: Invalid queue name']);
      const body = (await c.req.json().catch(() => undefined)) as QueueDeleteDto | undefined;
      if (!body || typeof body !== 'object') return immichError(c, 400, ['body: Expected object']);
      // Drains wait, paused and prioritized; active and delayed stay, failed only on request (max 1000).
      await queue.drain();
      if (body.failed) await queue.clean(0, 1000, 'failed');
      return c.body(null, 204);
    });
}

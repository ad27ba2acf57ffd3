import type { QueueDeleteDto, QueueJobResponseDto, QueueUpdateDto, JobName } from '@immich/sdk';
import type { JobType } from 'bullmq';
import { Hono } from 'hono';
import { requireAuth, type FakeAuth } from './auth.ts';
import { immichError, immichValidationError, type ZodIssue } from './immich-errors.ts';
import type { QueueStore } from './queue-store.ts';

const JOB_STATUSES = ['active', 'failed', 'completed', 'delayed', 'waiting', 'paused'] as const;
type QueueJobStatus = (typeof JOB_STATUSES)[number];
const isJobStatus = (value: string): value is QueueJobStatus => (JOB_STATUSES as readonly string[]).includes(value);

/**
 * `status` of GET /jobs as v3.1 validates it (`z.array(QueueJobStatus).optional()`): Express makes a repeated
 * `?status=` an array but a single one a string, which the array refuses. Absent means every status.
 */
function parseStatuses(given: string[] | undefined): { statuses: QueueJobStatus[] } | { issues: ZodIssue[] } {
  if (given === undefined) return { statuses: [...JOB_STATUSES] };
  if (given.length === 1) {
    const message = 'Invalid input: expected array, received string';
    return { issues: [{ expected: 'array', code: 'invalid_type', path: ['status'], message }] };
  }
  const issues = given.flatMap((status, index): ZodIssue[] =>
    isJobStatus(status)
      ? []
      : [
          {
            code: 'invalid_value',
            values: [...JOB_STATUSES],
            path: ['status', index],
            message: `Invalid option: expected one of ${JOB_STATUSES.map((s) => `"${s}"`).join('|')}`,
          },
        ],
  );
  return issues.length > 0 ? { issues } : { statuses: given as QueueJobStatus[] };
}

/** Immich's Queues API (v2.4+, server/src/controllers/queue.controller.ts), mounted at `/api/queues`. */
export function queuesRoutes(store: QueueStore, auth: FakeAuth) {
  return new Hono()
    .use('*', requireAuth(auth))
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
      const parsed = parseStatuses(c.req.queries('status'));
      if ('issues' in parsed) return immichValidationError(c, parsed.issues);
      // Immich's searchJobs: up to 1001 per status (bullmq drops repeated ones), mapped to id/name/timestamp/data
      // only: no start time, so an active job's age cannot be known from here.
      const jobs = await queue.getJobs(parsed.statuses as JobType[], 0, 1000);
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

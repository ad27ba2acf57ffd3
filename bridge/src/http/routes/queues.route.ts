import { Hono } from 'hono';
import type { FailedJob, QueueDetail } from '@immich-admin-tools/shared';
import { iso, jobIds, withAsset } from '../../snapshot/queue-summary.ts';
import { sendCached } from '../cached-json.ts';
import { isStale, type Deps } from '../deps.ts';
import type { PolledAnswers } from '../polled-answers.ts';
import {
  clearJobBody,
  clearStuckBody,
  failedPageQuery,
  jobParam,
  noBody,
  queueParam,
  validate,
} from '../validation.ts';

export const queuesRoutes = (deps: Deps, answers: PolledAnswers) => {
  return new Hono()
    .get('/', (c) => sendCached(c, answers.queues()))
    .get('/:name', validate('param', queueParam), validate('query', failedPageQuery), async (c) => {
      const { name } = c.req.valid('param');
      const { failedOffset, failedLimit } = c.req.valid('query');
      const summary = deps.actions.queue(name);
      let page = { total: summary.counts.failed, jobs: [] as FailedJob[] };
      let stale = isStale(deps);
      try {
        const raw = await deps.repository.failedPage(name, failedOffset, failedLimit);
        page = {
          total: raw.total,
          jobs: raw.jobs.map((job) => {
            const ids = jobIds(job.name, job);
            const label = ids.assetId ? deps.assets.lookup(ids.assetId) : null;
            return {
              jobId: job.jobId,
              name: job.name,
              failedReason: job.failedReason,
              failedAt: iso(job.finishedOn),
              queuedAt: iso(job.timestamp),
              attempts: job.attempts,
              stalls: job.stalls,
              assetId: ids.assetId,
              personId: ids.personId,
              assetPath: label?.path ?? null,
              assetFileName: label?.fileName ?? null,
              ...withAsset(label),
            };
          }),
        };
      } catch {
        // Redis away: answer the last snapshot, marked stale, rather than nothing.
        stale = true;
      }
      const body: QueueDetail = {
        ...summary,
        failedJobs: page.jobs,
        failedPage: { offset: failedOffset, limit: failedLimit, total: page.total },
        stale,
      };
      return c.json(body);
    })
    .post('/:name/pause', validate('param', queueParam), validate('json', noBody), async (c) =>
      c.json(await deps.actions.setPaused(c.req.valid('param').name, true)),
    )
    .post('/:name/resume', validate('param', queueParam), validate('json', noBody), async (c) =>
      c.json(await deps.actions.setPaused(c.req.valid('param').name, false)),
    )
    .post('/:name/failed/retry', validate('param', queueParam), validate('json', noBody), async (c) =>
      c.json(await deps.actions.retryFailed(c.req.valid('param').name)),
    )
    .post('/:name/failed/clear', validate('param', queueParam), validate('json', noBody), async (c) =>
      c.json(await deps.actions.clearFailed(c.req.valid('param').name)),
    )
    .post('/:name/clear-stuck', validate('param', queueParam), validate('json', clearStuckBody), async (c) =>
      c.json(await deps.actions.clearStuck(c.req.valid('param').name, c.req.valid('json'))),
    )
    .post('/:name/jobs/:jobId/clear', validate('param', jobParam), validate('json', clearJobBody), async (c) => {
      const { name, jobId } = c.req.valid('param');
      return c.json(await deps.actions.clearJob(name, jobId, c.req.valid('json')));
    });
};

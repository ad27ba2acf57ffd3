import { STATS_RANGES } from '@immich-admin-tools/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { queueName, validate } from '../validation.ts';

export const statsQuery = z.strictObject({
  range: z.enum(STATS_RANGES, `must be one of ${STATS_RANGES.join(', ')}`).default('24h'),
  queue: queueName.optional(),
});

export const statsRoutes = (deps: Deps) =>
  new Hono().get('/', validate('query', statsQuery), (c) => {
    const { range, queue } = c.req.valid('query');
    return c.json(deps.stats.cached(range, queue));
  });

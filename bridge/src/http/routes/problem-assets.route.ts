import { Hono } from 'hono';
import { PROBLEM_ASSET_SORTS } from '@immich-admin-tools/shared';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { assetParam, noBody, validate } from '../validation.ts';

export const problemAssetsQuery = z.object({
  sort: z.enum(PROBLEM_ASSET_SORTS).default('lastSeen'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().max(500).optional(),
});

export const problemAssetsRoutes = (deps: Deps) =>
  new Hono()
    .get('/', validate('query', problemAssetsQuery), (c) => c.json(deps.problemAssets.list(c.req.valid('query'))))
    .post('/:assetId/quarantine', validate('param', assetParam), validate('json', noBody), (c) =>
      c.json(deps.problemAssets.quarantine(c.req.valid('param').assetId, 'user')),
    )
    .delete('/:assetId/quarantine', validate('param', assetParam), (c) =>
      c.json(deps.problemAssets.release(c.req.valid('param').assetId, 'user')),
    );

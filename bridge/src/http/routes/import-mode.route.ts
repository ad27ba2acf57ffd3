import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { validate } from '../validation.ts';

/** The order itself is checked by the `importMode` settings section (known shape, no repeats, pausable). */
export const importModeBody = z.strictObject({
  enabled: z.boolean().optional(),
  order: z.array(z.string().max(64)).max(19).optional(),
});

export const importModeRoutes = (deps: Deps) =>
  new Hono()
    .get('/', (c) => c.json(deps.importMode.view()))
    .put('/', validate('json', importModeBody), async (c) => c.json(await deps.importMode.update(c.req.valid('json'))));

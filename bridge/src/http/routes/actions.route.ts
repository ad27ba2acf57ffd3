import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import { clearAllBody, validate } from '../validation.ts';

export const actionsRoutes = (deps: Deps) =>
  new Hono().post('/clear-all-stuck', validate('json', clearAllBody), async (c) =>
    c.json(await deps.actions.clearAllStuck(c.req.valid('json'))),
  );

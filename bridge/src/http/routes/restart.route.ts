import { Hono } from 'hono';
import type { RestartResponse } from '@immich-admin-tools/shared';
import type { Deps } from '../deps.ts';
import { clearAllBody, noBody, validate } from '../validation.ts';

/** Mounted under /api/actions beside clear-all-stuck. */
export const restartRoutes = (deps: Deps) =>
  new Hono()
    .post('/restart-immich', validate('json', noBody), async (c) => c.json(await deps.restart.restart('user')))
    .post('/clear-all-and-restart', validate('json', clearAllBody), async (c) => {
      const { mode } = c.req.valid('json');
      // Refused before anything is cleared: a restart that cannot happen leaves the jobs as they are.
      deps.restart.check();
      const cleared = await deps.actions.clearAllStuck({ mode }, 'user');
      const restarted = await deps.restart.restart('user', { clearedFirst: cleared.cleared, mode });
      return c.json({ ...restarted, cleared } satisfies RestartResponse);
    });

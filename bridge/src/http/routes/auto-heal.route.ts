import { Hono } from 'hono';
import type { AutoHealRunResponse } from '@immich-admin-tools/shared';
import type { Deps } from '../deps.ts';
import { noBody, validate } from '../validation.ts';

export const autoHealRoutes = (deps: Deps) =>
  new Hono()
    .get('/', (c) => c.json(deps.heal.status()))
    .post('/run', validate('json', noBody), async (c) => {
      const actions = await deps.heal.run();
      return c.json({ autoHeal: deps.heal.status(), actions } satisfies AutoHealRunResponse);
    })
    .post('/reset', validate('json', noBody), (c) => {
      deps.heal.reset();
      return c.json({ autoHeal: deps.heal.status(), actions: [] } satisfies AutoHealRunResponse);
    });

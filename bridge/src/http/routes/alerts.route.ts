import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../auth.ts';
import type { Deps } from '../deps.ts';
import { validate } from '../validation.ts';

export const alertTestBody = z.strictObject({ notifier: z.string().min(1).max(64).optional() });

export const alertsRoutes = (deps: Deps) =>
  new Hono<AppEnv>().post('/test', validate('json', alertTestBody), async (c) =>
    c.json(await deps.alerts.test(c.req.valid('json').notifier)),
  );

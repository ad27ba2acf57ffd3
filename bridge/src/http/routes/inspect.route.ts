import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { jobParam, queueParam, validate } from '../validation.ts';

export const inspectQueueQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,20}$/, 'a SCAN cursor')
    .default('0'),
  events: z.coerce.number().int().min(0).max(200).default(20),
});

/** Shape only: which commands and arguments may run is the console guard's call (403 with the reason). */
export const inspectCommandBody = z.strictObject({
  command: z.string().max(32),
  args: z
    .array(z.union([z.string().max(512), z.number()]))
    .max(8)
    .default([]),
});

/**
 * The Redis inspector: read-only. Its GETs are open to the read-only token like every GET; the console is a
 * POST, which the auth middleware keeps to the full token, though it runs only vetted read commands.
 */
export const inspectRoutes = (deps: Deps) =>
  new Hono()
    .get('/queues/:name', validate('param', queueParam), validate('query', inspectQueueQuery), async (c) => {
      const { name } = c.req.valid('param');
      deps.actions.queue(name);
      return c.json(await deps.inspect.queue(name, c.req.valid('query')));
    })
    .get('/queues/:name/jobs/:jobId', validate('param', jobParam), async (c) => {
      const { name, jobId } = c.req.valid('param');
      deps.actions.queue(name);
      return c.json(await deps.inspect.job(name, jobId));
    })
    .post('/command', validate('json', inspectCommandBody), async (c) => {
      const { command, args } = c.req.valid('json');
      return c.json(await deps.inspect.command(command, args));
    });

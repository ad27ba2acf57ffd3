import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { validate } from '../validation.ts';

/** `{section: {field: value}}`; the sections' own schemas check the values. */
export const settingsBody = z.record(z.string(), z.record(z.string(), z.unknown()));

export const settingsRoutes = (deps: Deps) =>
  new Hono()
    .get('/', (c) => c.json(deps.settings.view()))
    .put('/', validate('json', settingsBody), (c) => c.json(deps.settings.update(c.req.valid('json'))));

import { Hono } from 'hono';
import type { HealthResponse } from '@immich-admin-tools/shared';
import type { Deps } from '../deps.ts';

/** Unauthenticated liveness for Docker and the extension's "is this a bridge" check. */
export const healthRoutes = (deps: Deps) =>
  new Hono().get('/', async (c) => {
    const redis = await deps.repository.ping();
    const body: HealthResponse = { ok: redis, redis, immich: deps.immichStatus.isReachable };
    return c.json(body, redis ? 200 : 503);
  });

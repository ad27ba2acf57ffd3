import type { MiddlewareHandler } from 'hono';
import { immichError } from './immich-errors.ts';

/** Immich's API key check (`x-api-key` header or `?apiKey=`), answering 401 like Immich when missing or wrong. */
export function requireApiKey(apiKey: string): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header('x-api-key') ?? c.req.query('apiKey');
    if (!given) return immichError(c, 401, 'Authentication required');
    if (given !== apiKey) return immichError(c, 401, 'Invalid API key');
    await next();
  };
}

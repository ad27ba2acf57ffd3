import { Hono } from 'hono';
import { JsonCache, sendCached } from '../cached-json.ts';

/**
 * The API described as OpenAPI 3.1. Behind the token like the rest of /api, although it holds no secret:
 * what answers without a token stays health alone, so "everything else is 401" remains true, and an admin
 * who can call the API can read its description (the read-only token will do).
 */
export const openApiRoutes = () => {
  const cache = new JsonCache();
  return new Hono().get('/', async (c) => {
    // Loaded and built on the first ask only: nothing else needs the generator or the response schemas.
    const { openApiDocument } = await import('../openapi.ts');
    return sendCached(c, cache.get([], openApiDocument));
  });
};

import { Hono } from 'hono';
import { AppError } from '../../errors.ts';
import { ImmichError } from '../../immich/immich.repository.ts';
import type { Deps } from '../deps.ts';
import { assetParam, validate } from '../validation.ts';

/** Thumbnails proxied from Immich, so the extension's pages need no Immich credentials of their own. */
export const assetsRoutes = (deps: Deps) =>
  new Hono().get('/:assetId/thumbnail', validate('param', assetParam), async (c) => {
    if (!deps.immich)
      throw new AppError('IMMICH_NOT_CONFIGURED', 503, 'Set IMMICH_API_URL and IMMICH_API_KEY to show thumbnails');
    try {
      const { body, contentType } = await deps.immich.thumbnail(c.req.valid('param').assetId);
      return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'private, max-age=3600' });
    } catch (error) {
      if (error instanceof ImmichError && error.kind !== 'unavailable') {
        throw new AppError('NOT_FOUND', 404, 'Immich has no thumbnail of that asset for this API key');
      }
      throw new AppError('IMMICH_UNAVAILABLE', 502, 'Immich did not answer');
    }
  });

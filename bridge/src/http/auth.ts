import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorBody } from '../errors.ts';

/** What the caller's token allows: `read` sees every GET and may do nothing else. */
export type Access = 'full' | 'read';

/** Hono environment of the authenticated routes. */
export interface AppEnv {
  Variables: { access: Access };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Checks `Authorization: Bearer <token>` against the full and the read-only token. Each configured token
 * is hashed once here; a request costs one SHA-256 of what it presents and two constant-time compares of
 * equal-length digests (both always run, so timing says neither whether nor which token matched).
 * The read-only token is refused every method but GET and HEAD, here, so routes added later are covered.
 */
export function bearerTokens(tokens: { full: string; read: string | null }): MiddlewareHandler<AppEnv> {
  const full = sha256(tokens.full);
  // Without a read token, compare against a digest no presented token can hash to in practice.
  const read = tokens.read === null ? sha256(`${tokens.full}\0no read token`) : sha256(tokens.read);
  const hasRead = tokens.read !== null;
  const challenge = { 'www-authenticate': 'Bearer realm="immich-admin-tools"' };

  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) {
      return c.json(errorBody('UNAUTHORIZED', 'Send Authorization: Bearer <token>'), 401, challenge);
    }
    const match = BEARER.exec(header);
    if (!match) {
      return c.json(errorBody('UNAUTHORIZED', 'Authorization must be "Bearer <token>"'), 401, challenge);
    }
    const presented = sha256(match[1]!);
    const isFull = timingSafeEqual(presented, full);
    const isRead = timingSafeEqual(presented, read) && hasRead;
    if (!isFull && !isRead) return c.json(errorBody('UNAUTHORIZED', 'Wrong token'), 401, challenge);
    if (!isFull && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return c.json(errorBody('READ_ONLY_TOKEN', 'This token may read but not act; use BRIDGE_TOKEN'), 403);
    }
    c.set('access', isFull ? 'full' : 'read');
    await next();
  };
}

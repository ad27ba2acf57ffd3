import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { errorBody } from '../errors.ts';

/** What the caller's token allows: `read` sees every GET and may do nothing else. */
export type Access = 'full' | 'read';

/** Hono environment of the authenticated routes. */
export interface AppEnv {
  Variables: { access: Access };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

const BEARER = /^Bearer +(\S+) *$/i;
const CHALLENGE = { 'www-authenticate': 'Bearer realm="immich-admin-tools"' };

/**
 * Which of `tokens` the request's `Authorization: Bearer <token>` holds (its index), or the 401 to send.
 * Each token is hashed once, up front; a request costs one SHA-256 of what it presents and one constant-time
 * compare of equal-length digests per token, all of them always run, so timing tells neither whether nor
 * which token matched. Sync: no WebCrypto promise per request.
 */
function bearerMatcher(tokens: readonly string[]): (c: Context) => number | Response {
  const digests = tokens.map(sha256);
  return (c) => {
    const header = c.req.header('authorization');
    if (!header) return c.json(errorBody('UNAUTHORIZED', 'Send Authorization: Bearer <token>'), 401, CHALLENGE);
    const match = BEARER.exec(header);
    if (!match) return c.json(errorBody('UNAUTHORIZED', 'Authorization must be "Bearer <token>"'), 401, CHALLENGE);
    const presented = sha256(match[1]!);
    let found = -1;
    for (const [index, digest] of digests.entries()) {
      if (timingSafeEqual(presented, digest) && found < 0) found = index;
    }
    return found < 0 ? c.json(errorBody('UNAUTHORIZED', 'Wrong token'), 401, CHALLENGE) : found;
  };
}

/**
 * The API's check: BRIDGE_TOKEN may do everything; BRIDGE_READ_TOKEN is refused every method but GET and
 * HEAD, here, by method, so routes added later are covered without a line of their own.
 */
export function bearerTokens(tokens: { full: string; read: string | null }): MiddlewareHandler<AppEnv> {
  const match = bearerMatcher(tokens.read === null ? [tokens.full] : [tokens.full, tokens.read]);
  return async (c, next) => {
    const found = match(c);
    if (found instanceof Response) return found;
    const access: Access = found === 0 ? 'full' : 'read';
    if (access === 'read' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return c.json(errorBody('READ_ONLY_TOKEN', 'This token may read but not act; use BRIDGE_TOKEN'), 403);
    }
    c.set('access', access);
    await next();
  };
}

/** Any one of `tokens` will do (a scraper's endpoint that only reads). */
export function anyBearerToken(tokens: readonly string[]): MiddlewareHandler {
  const match = bearerMatcher(tokens);
  return async (c, next) => {
    const found = match(c);
    if (found instanceof Response) return found;
    await next();
  };
}

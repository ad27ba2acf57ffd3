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

/** Why a request's Authorization header was refused (the 401's message). */
export interface Refusal {
  refused: string;
}

/**
 * Which of `tokens` the Authorization header `Bearer <token>` holds (its index), or why it is refused. Each
 * token is hashed once, up front; a request costs one SHA-256 of what it presents and one constant-time
 * compare of equal-length digests per token, all of them always run, so timing tells neither whether nor
 * which token matched. Sync: no WebCrypto promise per request.
 */
function tokenIndex(tokens: readonly string[]): (header: string | undefined) => number | Refusal {
  const digests = tokens.map(sha256);
  return (header) => {
    if (!header) return { refused: 'Send Authorization: Bearer <token>' };
    const match = BEARER.exec(header);
    if (!match) return { refused: 'Authorization must be "Bearer <token>"' };
    const presented = sha256(match[1]!);
    let found = -1;
    for (const [index, digest] of digests.entries()) {
      if (timingSafeEqual(presented, digest) && found < 0) found = index;
    }
    return found < 0 ? { refused: 'Wrong token' } : found;
  };
}

/** What the header grants: BRIDGE_TOKEN `full`, BRIDGE_READ_TOKEN `read`. Shared by the middleware and the hot path. */
export function tokenAccess(tokens: {
  full: string;
  read: string | null;
}): (header: string | undefined) => Access | Refusal {
  const index = tokenIndex(tokens.read === null ? [tokens.full] : [tokens.full, tokens.read]);
  return (header) => {
    const found = index(header);
    return typeof found === 'number' ? (found === 0 ? 'full' : 'read') : found;
  };
}

/** Headers of every 401. */
const CHALLENGE = { 'www-authenticate': 'Bearer realm="immich-admin-tools"' };

/**
 * The API's check: BRIDGE_TOKEN may do everything; BRIDGE_READ_TOKEN is refused every method but GET and
 * HEAD, here, by method, so routes added later are covered without a line of their own.
 */
export function bearerTokens(tokens: { full: string; read: string | null }): MiddlewareHandler<AppEnv> {
  const accessOf = tokenAccess(tokens);
  return async (c, next) => {
    const access = accessOf(c.req.header('authorization'));
    if (typeof access !== 'string') return c.json(errorBody('UNAUTHORIZED', access.refused), 401, CHALLENGE);
    if (access === 'read' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return c.json(errorBody('READ_ONLY_TOKEN', 'This token may read but not act; use BRIDGE_TOKEN'), 403);
    }
    c.set('access', access);
    await next();
  };
}

/** Any one of `tokens` will do (a scraper's endpoint that only reads). */
export function anyBearerToken(tokens: readonly string[]): MiddlewareHandler {
  const index = tokenIndex(tokens);
  return async (c, next) => {
    const found = index(c.req.header('authorization'));
    if (typeof found !== 'number') return c.json(errorBody('UNAUTHORIZED', found.refused), 401, CHALLENGE);
    await next();
  };
}

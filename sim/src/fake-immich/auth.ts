import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { ADMIN_USER, OTHER_USER } from './assets.ts';
import { immichError } from './immich-errors.ts';

/** The cookie Immich's web app signs in with (httpOnly, SameSite=Lax); it carries a session token. */
export const SESSION_COOKIE = 'immich_access_token';
/** A signed-in non-admin's session (Jane's): admin routes answer it 403, as Immich does. */
export const USER_SESSION_TOKEN = 'sim-session-of-jane-not-an-admin';

/** Who may call the fake API: the admin's API key and the admin's session token. */
export interface FakeAuth {
  apiKey: string;
  sessionToken: string;
}

/** Set by `requireAuth` for the route: the caller's user id. */
export type AuthEnv = { Variables: { userId: string } };

/**
 * Immich's check (auth.service.ts `validate`): a session token (cookie `immich_access_token`) wins over an API key
 * (`x-api-key` header or `?apiKey=`); 401 when neither is valid, 403 when an admin route meets a non-admin.
 */
export function requireAuth(auth: FakeAuth, { admin = true }: { admin?: boolean } = {}) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const session = getCookie(c, SESSION_COOKIE);
    const key = c.req.header('x-api-key') ?? c.req.query('apiKey');
    let userId: string;
    if (session !== undefined) {
      if (session === auth.sessionToken) userId = ADMIN_USER.id;
      else if (session === USER_SESSION_TOKEN) userId = OTHER_USER.id;
      else return immichError(c, 401, 'Invalid user token');
    } else if (key !== undefined) {
      if (key !== auth.apiKey) return immichError(c, 401, 'Invalid API key');
      userId = ADMIN_USER.id;
    } else {
      return immichError(c, 401, 'Authentication required');
    }
    if (admin && userId !== ADMIN_USER.id) return immichError(c, 403, 'Forbidden');
    c.set('userId', userId);
    await next();
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import { tokenAccess, type Access } from './auth.ts';
import { negotiate, type JsonRepresentation } from './cached-json.ts';
import type { PolledAnswers } from './polled-answers.ts';

/** Answers a request in Node's listener; false leaves it to Hono. */
export type HotPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * GET /api/queues and /api/status, the routes every client polls, answered straight from Node's request
 * listener: their answers are already serialised (PolledAnswers), so all a request costs is the token check
 * and the write, without the Request, Headers and Response objects and the middleware chain Hono builds for
 * each. Only the plain, authorised case goes here: a query string, a body, a refused token or any other
 * path goes to Hono, which stays the one place that words errors. hot-path.spec.ts checks that both paths
 * send the same status, headers and bytes.
 */
export async function createHotPath(
  app: { request: (path: string) => Response | Promise<Response> },
  answers: PolledAnswers,
  tokens: { full: string; read: string | null },
  logger: Logger,
): Promise<HotPath> {
  // The headers Hono's middleware adds to every answer (secureHeaders), as it sets them: asked of the app once.
  const probe = await app.request('/__hot-path-probe');
  const common: Record<string, string> = {};
  probe.headers.forEach((value, name) => {
    if (name !== 'content-type' && name !== 'content-length') common[name] = value;
  });
  const routes: Partial<Record<string, (access: Access) => JsonRepresentation>> = {
    '/api/queues': () => answers.queues(),
    '/api/status': (access) => answers.status(access),
  };
  const accessOf = tokenAccess(tokens);

  return (req, res) => {
    if (req.method !== 'GET') return false;
    const route = routes[req.url ?? ''];
    if (!route || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined)
      return false;
    const access = accessOf(req.headers.authorization);
    if (typeof access !== 'string') return false;
    const { status, headers, body } = negotiate(
      route(access),
      req.headers['if-none-match'],
      req.headers['accept-encoding'],
    );
    res.writeHead(status, { ...common, ...headers, ...(body ? { 'content-length': body.length } : {}) });
    res.end(body ?? undefined);
    if (logger.isLevelEnabled('debug')) logger.debug({ method: 'GET', route: req.url, status }, 'request');
    return true;
  };
}

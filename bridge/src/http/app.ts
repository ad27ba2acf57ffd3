import type { ErrorBody, ErrorCode } from '@immich-admin-tools/shared';
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Deps } from './deps.ts';
import { actionsRoutes } from './routes/actions.route.ts';
import { assetsRoutes } from './routes/assets.route.ts';
import { healthRoutes } from './routes/health.route.ts';
import { queuesRoutes } from './routes/queues.route.ts';
import { statusRoutes } from './routes/status.route.ts';

const MAX_BODY_BYTES = 16 * 1024;

const errorBody = (code: ErrorCode, message: string): ErrorBody => ({ error: { code, message } });
const codeForStatus = (status: number): ErrorCode =>
  status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';

/** The bridge's HTTP API. No CORS headers: the extension's background calls it with host permission. */
export function createApp(deps: Deps, logger: Logger) {
  const auth = bearerAuth({
    token: deps.token,
    noAuthenticationHeader: { message: errorBody('UNAUTHORIZED', 'Send Authorization: Bearer <token>') },
    invalidToken: { message: errorBody('UNAUTHORIZED', 'Wrong token') },
    invalidAuthenticationHeader: { message: errorBody('UNAUTHORIZED', 'Authorization must be "Bearer <token>"') },
  });

  const app = new Hono()
    .use(secureHeaders())
    .use(
      '/api/*',
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: (c) =>
          c.json(errorBody('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`), 413),
      }),
    )
    .route('/api/health', healthRoutes(deps))
    .use('/api/*', auth)
    .route('/api/status', statusRoutes(deps))
    .route('/api/queues', queuesRoutes(deps))
    .route('/api/actions', actionsRoutes(deps))
    .route('/api/assets', assetsRoutes(deps));

  app.notFound((c) => c.json(errorBody('NOT_FOUND', 'No such endpoint'), 404));
  app.onError((error, c) => {
    if (error instanceof AppError) return c.json(errorBody(error.code, error.message), error.status);
    if (error instanceof HTTPException) {
      if (error.res) return error.getResponse();
      return c.json(errorBody(codeForStatus(error.status), error.message), error.status as ContentfulStatusCode);
    }
    logger.error({ err: error instanceof Error ? error.message : String(error), path: c.req.path }, 'request failed');
    return c.json(errorBody('INTERNAL', 'Internal error; see the bridge log'), 500);
  });
  return app;
}

export type AppType = ReturnType<typeof createApp>;

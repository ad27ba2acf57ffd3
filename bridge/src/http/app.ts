import type { ErrorCode } from '@immich-admin-tools/shared';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, errorBody } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { bearerTokens, type AppEnv } from './auth.ts';
import { jsonBodies } from './body.ts';
import type { Deps } from './deps.ts';
import { PolledAnswers } from './polled-answers.ts';
import { actionsRoutes } from './routes/actions.route.ts';
import { alertsRoutes } from './routes/alerts.route.ts';
import { assetsRoutes } from './routes/assets.route.ts';
import { autoHealRoutes } from './routes/auto-heal.route.ts';
import { eventsRoutes } from './routes/events.route.ts';
import { healthRoutes } from './routes/health.route.ts';
import { historyRoutes } from './routes/history.route.ts';
import { importModeRoutes } from './routes/import-mode.route.ts';
import { inspectRoutes } from './routes/inspect.route.ts';
import { metricsRoutes } from './routes/metrics.route.ts';
import { openApiRoutes } from './routes/openapi.route.ts';
import { problemAssetsRoutes } from './routes/problem-assets.route.ts';
import { queuesRoutes } from './routes/queues.route.ts';
import { restartRoutes } from './routes/restart.route.ts';
import { settingsRoutes } from './routes/settings.route.ts';
import { statsRoutes } from './routes/stats.route.ts';
import { statusRoutes } from './routes/status.route.ts';

/** Codes for Hono's own exceptions (the validators' 400s); anything else unexpected is a 400 too. */
const CODE_FOR_STATUS: Partial<Record<number, ErrorCode>> = {
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** A scraper may present METRICS_TOKEN, or either API token (reading is all /metrics does). */
const metricsTokens = (deps: Deps) =>
  [deps.metricsToken, deps.tokens.full, deps.tokens.read].filter((t): t is string => t !== null);

/**
 * The bridge's HTTP API. No CORS headers: the extension's background calls it with host permission.
 * Every route under /api after health needs a token, and the read-only token is held to GET and HEAD,
 * both by method in `bearerTokens`, so routes added later are covered without a line of their own.
 */
export function createApp(deps: Deps, logger: Logger, answers = new PolledAnswers(deps)) {
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      await next();
      // The route's pattern, never the path or query: a client may paste a token or mail data into either.
      if (logger.isLevelEnabled('debug')) {
        logger.debug({ method: c.req.method, route: c.req.routePath, status: c.res.status }, 'request');
      }
    })
    .use(secureHeaders())
    .route('/api/health', healthRoutes(deps))
    .route('/metrics', metricsRoutes(deps.metrics, metricsTokens(deps)))
    .use('/api/*', bearerTokens(deps.tokens))
    .use('/api/*', jsonBodies())
    .route('/api/status', statusRoutes(answers))
    .route('/api/queues', queuesRoutes(deps, answers))
    .route('/api/actions', actionsRoutes(deps))
    .route('/api/actions', restartRoutes(deps))
    .route('/api/auto-heal', autoHealRoutes(deps))
    .route('/api/problem-assets', problemAssetsRoutes(deps))
    .route('/api/alerts', alertsRoutes(deps))
    .route('/api/assets', assetsRoutes(deps))
    .route('/api/history', historyRoutes(deps))
    .route('/api/stats', statsRoutes(deps))
    .route('/api/events', eventsRoutes(deps))
    .route('/api/settings', settingsRoutes(deps))
    .route('/api/import-mode', importModeRoutes(deps))
    .route('/api/inspect', inspectRoutes(deps))
    .route('/api/openapi.json', openApiRoutes());

  app.notFound((c) => c.json(errorBody('NOT_FOUND', 'No such endpoint'), 404));
  app.onError((error, c) => {
    if (error instanceof AppError) {
      const body = errorBody(error.code, error.message);
      if (error.fields) body.error.fields = error.fields;
      if (error.partial) Object.assign(body.error, error.partial);
      if (error.retryAfterSeconds !== undefined) {
        body.error.retryAfterSeconds = error.retryAfterSeconds;
        c.header('retry-after', String(error.retryAfterSeconds));
      }
      return c.json(body, error.status);
    }
    if (error instanceof HTTPException) {
      if (error.res) return error.getResponse();
      return c.json(
        errorBody(CODE_FOR_STATUS[error.status] ?? 'BAD_REQUEST', error.message),
        error.status as ContentfulStatusCode,
      );
    }
    logger.error(
      { err: error instanceof Error ? error.message : String(error), route: c.req.routePath },
      'request failed',
    );
    return c.json(errorBody('INTERNAL', 'Internal error; see the bridge log'), 500);
  });
  return app;
}

export type AppType = ReturnType<typeof createApp>;

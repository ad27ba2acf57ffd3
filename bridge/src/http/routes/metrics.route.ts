import { Hono } from 'hono';
import type { MetricsService } from '../../metrics/metrics.service.ts';
import { anyBearerToken } from '../auth.ts';

/**
 * `GET /metrics` for Prometheus, outside `/api`. Accepts METRICS_TOKEN when set, the main token and the
 * read-only token: a scraper needs no more than reading. Served from the last snapshot, no Redis call.
 */
export const metricsRoutes = (metrics: MetricsService, tokens: string[]) =>
  new Hono().use(anyBearerToken(tokens)).get('/', async (c) => {
    const body = await metrics.render();
    return c.body(body, 200, { 'content-type': metrics.contentType });
  });

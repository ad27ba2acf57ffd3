import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { z } from 'zod';
import { MAX_BODY_BYTES } from './body.ts';
import * as answer from './response-schemas.ts';
import { alertTestBody } from './routes/alerts.route.ts';
import { historyQuery } from './routes/history.route.ts';
import { importModeBody } from './routes/import-mode.route.ts';
import { inspectCommandBody, inspectQueueQuery } from './routes/inspect.route.ts';
import { problemAssetsQuery } from './routes/problem-assets.route.ts';
import { settingsBody } from './routes/settings.route.ts';
import { statsQuery } from './routes/stats.route.ts';
import {
  assetParam,
  clearAllBody,
  clearJobBody,
  clearStuckBody,
  failedPageQuery,
  jobParam,
  noBody,
  queueParam,
} from './validation.ts';

type Method = 'get' | 'post' | 'put' | 'delete';

/** One endpoint, described with the schemas its route validates with (`params`, `query`, `body`). */
interface Operation {
  method: Method;
  /** OpenAPI form: `{name}` where the Hono route has `:name`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The 200 answer: a JSON schema, or the body by media type for what is not JSON. */
  ok: z.ZodType | Record<string, z.ZodType>;
  /** Served by `sendCached`: ETag, 304 and br/gzip. */
  cached?: true;
  /** No token needed (`/api/health`). */
  open?: true;
  /** Accepted tokens, when not the API's two. */
  security?: RouteConfig['security'];
}

const text = (description: string) => z.string().describe(description);

const STOPPED_MIDWAY =
  'Redis failing mid-way stops it with 503: `error.cleared` lists the jobs cleared before, and with ' +
  'UNKNOWN_OUTCOME `error.unknown` names the job whose clear Redis never confirmed (check it).';

const CACHED =
  'Sends a weak `ETag`: a request with `If-None-Match` holding it gets 304 without a body. Bodies of 1 kB or ' +
  'more are compressed with br or gzip when `Accept-Encoding` allows.';

const OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/health',
    tag: 'bridge',
    summary: 'Liveness: is Redis reachable (503 when not)',
    ok: answer.healthResponse,
    open: true,
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'bridge',
    summary: 'This document',
    ok: z.record(z.string(), z.unknown()).describe('OpenAPI 3.1'),
    cached: true,
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'bridge',
    summary: 'Prometheus metrics from the last snapshot',
    description: 'Outside /api. Accepts METRICS_TOKEN when set, and both API tokens.',
    ok: { 'text/plain': text('Prometheus text exposition format') },
    security: [{ bearer: [] }, { metricsToken: [] }],
  },
  {
    method: 'get',
    path: '/api/status',
    tag: 'status',
    summary: 'Totals, auto-heal, restart, notifiers, import mode and which token the caller holds',
    ok: answer.statusResponse,
    cached: true,
  },
  {
    method: 'get',
    path: '/api/queues',
    tag: 'queues',
    summary: 'Every queue with its counts, active jobs and stuck jobs',
    ok: answer.queuesResponse,
    cached: true,
  },
  {
    method: 'get',
    path: '/api/events',
    tag: 'status',
    summary: 'Server-Sent Events: `snapshot` per tick, `history` per history row, `heartbeat` every 15 s',
    description:
      '`snapshot` carries the same JSON as GET /api/queues (the first one is sent at once), `history` one ' +
      'HistoryItem, `heartbeat` the time in ms.',
    ok: { 'text/event-stream': text('event: snapshot|history|heartbeat, data: JSON') },
  },
  {
    method: 'get',
    path: '/api/queues/{name}',
    tag: 'queues',
    summary: 'One queue with a page of its failed jobs, newest first',
    params: queueParam,
    query: failedPageQuery,
    ok: answer.queueDetail,
  },
  {
    method: 'post',
    path: '/api/queues/{name}/pause',
    tag: 'queues',
    summary: 'Pause the queue (through Immich)',
    params: queueParam,
    body: noBody,
    ok: answer.queueCommandResponse,
  },
  {
    method: 'post',
    path: '/api/queues/{name}/resume',
    tag: 'queues',
    summary: 'Resume the queue (through Immich)',
    params: queueParam,
    body: noBody,
    ok: answer.queueCommandResponse,
  },
  {
    method: 'post',
    path: '/api/queues/{name}/failed/retry',
    tag: 'queues',
    summary: "Retry the queue's failed jobs",
    params: queueParam,
    body: noBody,
    ok: answer.failedActionResponse,
  },
  {
    method: 'post',
    path: '/api/queues/{name}/failed/clear',
    tag: 'queues',
    summary: "Remove the queue's failed jobs",
    params: queueParam,
    body: noBody,
    ok: answer.failedActionResponse,
  },
  {
    method: 'post',
    path: '/api/queues/{name}/clear-stuck',
    tag: 'queues',
    summary: 'Clear the stuck jobs of a queue (all, or the ones listed)',
    description: STOPPED_MIDWAY,
    params: queueParam,
    body: clearStuckBody,
    ok: answer.clearStuckResponse,
  },
  {
    method: 'post',
    path: '/api/queues/{name}/jobs/{jobId}/clear',
    tag: 'queues',
    summary: 'Clear one active job',
    description: 'With `startedAt`, a job that restarted since is left alone (409 JOB_CHANGED).',
    params: jobParam,
    body: clearJobBody,
    ok: answer.clearJobResponse,
  },
  {
    method: 'post',
    path: '/api/actions/clear-all-stuck',
    tag: 'actions',
    summary: 'Clear the stuck jobs of every queue',
    description: STOPPED_MIDWAY,
    body: clearAllBody,
    ok: answer.clearAllStuckResponse,
  },
  {
    method: 'post',
    path: '/api/actions/restart-immich',
    tag: 'actions',
    summary: "Restart Immich's container (needs Docker control)",
    body: noBody,
    ok: answer.restartResponse,
  },
  {
    method: 'post',
    path: '/api/actions/clear-all-and-restart',
    tag: 'actions',
    summary: 'Clear every stuck job, then restart Immich to free the slots hung jobs hold',
    description: `${STOPPED_MIDWAY} Immich is then not restarted.`,
    body: clearAllBody,
    ok: answer.restartResponse,
  },
  {
    method: 'get',
    path: '/api/auto-heal',
    tag: 'auto-heal',
    summary: 'Auto-heal state, its last actions and its breaker',
    ok: answer.autoHealStatus,
  },
  {
    method: 'post',
    path: '/api/auto-heal/run',
    tag: 'auto-heal',
    summary: 'Run one auto-heal pass now',
    body: noBody,
    ok: answer.autoHealRunResponse,
  },
  {
    method: 'post',
    path: '/api/auto-heal/reset',
    tag: 'auto-heal',
    summary: "Close auto-heal's breaker",
    body: noBody,
    ok: answer.autoHealRunResponse,
  },
  {
    method: 'get',
    path: '/api/problem-assets',
    tag: 'problem-assets',
    summary: 'Assets whose jobs got stuck or failed, from history',
    query: problemAssetsQuery,
    ok: answer.problemAssetsResponse,
  },
  {
    method: 'post',
    path: '/api/problem-assets/{assetId}/quarantine',
    tag: 'problem-assets',
    summary: 'Quarantine an asset: its new jobs are removed before they run',
    params: assetParam,
    body: noBody,
    ok: answer.quarantineResponse,
  },
  {
    method: 'delete',
    path: '/api/problem-assets/{assetId}/quarantine',
    tag: 'problem-assets',
    summary: 'Release an asset from quarantine',
    params: assetParam,
    ok: answer.quarantineResponse,
  },
  {
    method: 'get',
    path: '/api/assets/{assetId}/thumbnail',
    tag: 'problem-assets',
    summary: "An asset's thumbnail, proxied from Immich (needs IMMICH_API_URL and IMMICH_API_KEY)",
    params: assetParam,
    ok: { 'image/*': z.string().describe('The image as Immich sends it') },
  },
  {
    method: 'post',
    path: '/api/alerts/test',
    tag: 'alerts',
    summary: 'Send a test alert to one notifier, or to all',
    body: alertTestBody,
    ok: answer.alertTestResponse,
  },
  {
    method: 'get',
    path: '/api/history',
    tag: 'history',
    summary: 'History rows, newest first, a page at a time; or the whole range as CSV or NDJSON',
    description: 'Unknown query parameters are refused (400). `format=csv|ndjson` streams every row as a download.',
    query: historyQuery,
    ok: {
      'application/json': answer.historyResponse,
      'text/csv': text('One HistoryItem per line, `detail` as JSON'),
      'application/x-ndjson': text('One HistoryItem as JSON per line'),
    },
  },
  {
    method: 'get',
    path: '/api/stats',
    tag: 'history',
    summary: 'Completed and failed jobs per bucket, per queue and per job name',
    description: 'Unknown query parameters are refused (400).',
    query: statsQuery,
    ok: answer.statsResponse,
  },
  {
    method: 'get',
    path: '/api/settings',
    tag: 'settings',
    summary: 'Every setting with its source; secrets masked',
    ok: answer.settingsResponse,
  },
  {
    method: 'put',
    path: '/api/settings',
    tag: 'settings',
    summary: 'Change settings: `{section: {field: value}}`, only the fields to change',
    description: 'A bad value answers 400 with `error.fields` keyed `section.field`.',
    body: settingsBody,
    ok: answer.settingsResponse,
  },
  {
    method: 'get',
    path: '/api/import-mode',
    tag: 'import-mode',
    summary: 'Import mode: the queue order and the state of each step',
    ok: answer.importModeResponse,
  },
  {
    method: 'put',
    path: '/api/import-mode',
    tag: 'import-mode',
    summary: 'Switch import mode on or off, or change its order',
    body: importModeBody,
    ok: answer.importModeResponse,
  },
  {
    method: 'get',
    path: '/api/inspect/queues/{name}',
    tag: 'inspect',
    summary: "The queue's Redis keys (bounded SCAN), newest events and worker connections",
    params: queueParam,
    query: inspectQueueQuery,
    ok: answer.inspectQueueResponse,
  },
  {
    method: 'get',
    path: '/api/inspect/queues/{name}/jobs/{jobId}',
    tag: 'inspect',
    summary: "A job's raw hash, secrets and mail data redacted",
    params: jobParam,
    ok: answer.inspectJobResponse,
  },
  {
    method: 'post',
    path: '/api/inspect/command',
    tag: 'inspect',
    summary: 'Run one vetted read-only Redis command (403 FORBIDDEN for any other)',
    body: inspectCommandBody,
    ok: answer.inspectCommandResponse,
  },
];

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: answer.errorBody } },
});

function routeConfig(op: Operation): RouteConfig {
  const json = op.ok instanceof z.ZodType ? { 'application/json': op.ok } : op.ok;
  const writes = op.method !== 'get';
  const responses: RouteConfig['responses'] = {
    200: {
      description: op.cached ? `OK. ${CACHED}` : 'OK',
      content: Object.fromEntries(Object.entries(json).map(([type, schema]) => [type, { schema }])),
    },
  };
  if (op.params || op.query || op.body) responses[400] = error('BAD_REQUEST: a parameter or the body is invalid');
  if (!op.open) responses[401] = error('UNAUTHORIZED: no token, or a wrong one');
  if (writes) responses[403] = error('READ_ONLY_TOKEN: the read-only token may only GET');
  if (op.body) {
    responses[413] = error(`PAYLOAD_TOO_LARGE: the body is over ${MAX_BODY_BYTES} bytes`);
    responses[415] = error('UNSUPPORTED_MEDIA_TYPE: a body that is not application/json');
  }
  responses.default = error('Any other refusal; `error.code` says which (see ErrorBody)');
  return {
    method: op.method,
    path: op.path,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.open ? { security: [] } : op.security ? { security: op.security } : {}),
    request: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      // Optional: a request without a body means the defaults.
      ...(op.body ? { body: { required: false, content: { 'application/json': { schema: op.body } } } } : {}),
    },
    responses,
  };
}

/**
 * A URL parameter is a string, never null; but a `z.coerce.number()` that accepts 0 also accepts null
 * (Number(null) is 0), which the generator reads as "nullable".
 */
function dropNullFromParameters(document: ReturnType<OpenAPIHono['getOpenAPI31Document']>) {
  for (const item of Object.values(document.paths ?? {})) {
    for (const op of Object.values(item) as { parameters?: { schema?: { type?: unknown } }[] }[]) {
      for (const schema of (op.parameters ?? []).map((p) => p.schema)) {
        if (Array.isArray(schema?.type)) schema.type = schema.type.filter((t) => t !== 'null');
        if (Array.isArray(schema?.type) && schema.type.length === 1) schema.type = schema.type[0];
      }
    }
  }
  return document;
}

/**
 * The API as OpenAPI 3.1, built from the schemas the routes validate with. The routes stay plain Hono; an
 * OpenAPIHono is used here only for its registry and generator.
 */
export function openApiDocument() {
  const doc = new OpenAPIHono();
  const registry = doc.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'BRIDGE_TOKEN may do everything; BRIDGE_READ_TOKEN may only GET (403 READ_ONLY_TOKEN otherwise).',
  });
  registry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN, for GET /metrics only.',
  });
  for (const op of OPERATIONS) registry.registerPath(routeConfig(op));
  return dropNullFromParameters(
    doc.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Immich Admin Tools bridge',
        version: '1',
        description:
          'Reads BullMQ state from Redis for Immich admins. Errors are `{"error": {"code", "message"}}`; ' +
          'docs/api.md has a curl example of each endpoint.',
      },
      security: [{ bearer: [] }],
    }),
  );
}

/**
 * The extension's only HTTP client for bridges: fetch + Bearer token, every failure turned into a typed
 * BridgeError so no caller ever sees an exception.
 */
import type {
  AutoHealRunResponse,
  ClearAllStuckResponse,
  ClearJobRequest,
  ClearJobResponse,
  ClearMode,
  ClearStuckRequest,
  ClearStuckResponse,
  FailedActionResponse,
  HistoryResponse,
  ImportModeResponse,
  ImportModeUpdate,
  InspectCommandRequest,
  InspectCommandResponse,
  InspectJobResponse,
  InspectQueueResponse,
  ProblemAssetsResponse,
  ProblemAssetSort,
  QuarantineResponse,
  QueueCommandResponse,
  QueueDetail,
  QueuesResponse,
  RestartResponse,
  SettingsResponse,
  SettingsUpdate,
  StatsRange,
  StatsResponse,
  StatusResponse,
} from '@immich-admin-tools/shared';
import type { BridgeError, BridgeResult, ExportedFile, HistoryQuery } from '../lib/messaging.ts';

export interface BridgeTarget {
  bridgeUrl: string;
  token: string;
}

interface RequestOptions<T> {
  body?: unknown;
  timeoutMs?: number;
  /** Checks that a 2xx body is what the bridge sends; a failure means the URL is not a bridge. */
  accept?: (body: unknown) => body is T;
}

const DEFAULT_TIMEOUT_MS = 8000;

const fail = (error: BridgeError): { ok: false; error: BridgeError } => ({ ok: false, error });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bridgeErrorBody(body: unknown): { code: string; message: string; fields?: Record<string, string> } | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  const { code, message, fields } = body.error;
  if (typeof code !== 'string') return null;
  return {
    code,
    message: typeof message === 'string' ? message : code,
    ...(isRecord(fields) ? { fields: fields as Record<string, string> } : {}),
  };
}

export const isStatus = (body: unknown): body is StatusResponse =>
  isRecord(body) && typeof body.connected === 'boolean' && typeof body.queues === 'number' && 'stuckJobs' in body;

export const isQueues = (body: unknown): body is QueuesResponse => isRecord(body) && Array.isArray(body.queues);

const isQueueDetail = (body: unknown): body is QueueDetail =>
  isRecord(body) && typeof body.name === 'string' && Array.isArray(body.failedJobs);

const isRecordBody = (body: unknown): body is never => isRecord(body);

const isHistory = (body: unknown): body is HistoryResponse =>
  isRecord(body) && Array.isArray(body.items) && 'nextBefore' in body;
const isStats = (body: unknown): body is StatsResponse =>
  isRecord(body) && Array.isArray(body.series) && isRecord(body.totals);
const isProblemAssets = (body: unknown): body is ProblemAssetsResponse =>
  isRecord(body) && Array.isArray(body.items) && 'nextBefore' in body;
const isImportMode = (body: unknown): body is ImportModeResponse =>
  isRecord(body) && typeof body.enabled === 'boolean' && Array.isArray(body.steps);
const isSettings = (body: unknown): body is SettingsResponse => isRecord(body) && Object.values(body).every(isRecord);

async function readJson(response: Response): Promise<{ json: true; body: unknown } | { json: false }> {
  const text = await response.text();
  try {
    return { json: true, body: JSON.parse(text) };
  } catch {
    return { json: false };
  }
}

function networkError(error: unknown, url: string, timeoutMs: number): BridgeError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'unreachable', message: `The bridge at ${url} did not answer within ${timeoutMs / 1000} s.` };
  }
  return {
    kind: 'unreachable',
    message: `Cannot reach the bridge at ${url} (is it running, is the URL right, is access granted?).`,
  };
}

/** Turns a non-2xx answer into the error kind the UI explains. */
function httpError(
  status: number,
  parsed: { json: true; body: unknown } | { json: false },
  origin: string,
): BridgeError {
  if (status === 401) {
    return { kind: 'unauthorized', status, message: 'The bridge refused the token (401). Check BRIDGE_TOKEN.' };
  }
  const bridgeError = parsed.json ? bridgeErrorBody(parsed.body) : null;
  if (bridgeError?.code === 'REDIS_UNAVAILABLE') {
    return { kind: 'redis_down', status, code: bridgeError.code, message: 'The bridge is up but cannot reach Redis.' };
  }
  if (bridgeError) return { kind: 'http', status, ...bridgeError };
  if (!parsed.json && status >= 502 && status <= 504) {
    return {
      kind: 'unreachable',
      status,
      message: `A proxy in front of ${origin} answered ${status}: the bridge is down.`,
    };
  }
  return {
    kind: 'not_a_bridge',
    status,
    message: `${origin} answered ${status}, but not like an Immich Admin Tools bridge.`,
  };
}

export async function bridgeRequest<T>(
  target: BridgeTarget,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: RequestOptions<T> = {},
): Promise<BridgeResult<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = `${target.bridgeUrl}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${target.token}`,
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(timeoutMs),
      cache: 'no-store',
    });
  } catch (error) {
    return fail(networkError(error, target.bridgeUrl, timeoutMs));
  }
  let parsed: Awaited<ReturnType<typeof readJson>>;
  try {
    parsed = await readJson(response);
  } catch (error) {
    return fail(networkError(error, target.bridgeUrl, timeoutMs));
  }
  if (!response.ok) return fail(httpError(response.status, parsed, target.bridgeUrl));
  const accept = options.accept ?? isRecordBody;
  if (!parsed.json || !accept(parsed.body)) {
    return fail({
      kind: 'not_a_bridge',
      status: response.status,
      message: `${target.bridgeUrl} answered, but not with the bridge's API.`,
    });
  }
  return { ok: true, data: parsed.body };
}

/** A non-2xx answer, or a 2xx of the wrong type (then treated as a 502), as a BridgeError. */
async function unexpectedAnswer(response: Response, target: BridgeTarget): Promise<BridgeError> {
  return httpError(response.ok ? 502 : response.status, await readJson(response), target.bridgeUrl);
}

/** Downloads a history export as the bridge wrote it (CSV or NDJSON text), for the page to save. */
async function exportFile(
  target: BridgeTarget,
  path: string,
  fallbackName: string,
): Promise<BridgeResult<ExportedFile>> {
  const timeoutMs = 60_000;
  try {
    const response = await fetch(`${target.bridgeUrl}${path}`, {
      headers: { Authorization: `Bearer ${target.token}` },
      signal: AbortSignal.timeout(timeoutMs),
      cache: 'no-store',
    });
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || type.includes('application/json')) return fail(await unexpectedAnswer(response, target));
    const disposition = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '');
    return {
      ok: true,
      data: { text: await response.text(), mimeType: type || 'text/plain', fileName: disposition?.[1] ?? fallbackName },
    };
  } catch (error) {
    return fail(networkError(error, target.bridgeUrl, timeoutMs));
  }
}

/** `?a=1&b=2` of the defined values, '' when none. */
function queryString(values: Record<string, string | number | undefined | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  return query.size ? `?${query}` : '';
}

/** Reads an image through the bridge and returns it as a data: URL the UI can show. */
async function thumbnail(target: BridgeTarget, assetId: string): Promise<BridgeResult<string>> {
  const url = `${target.bridgeUrl}/api/assets/${encodeURIComponent(assetId)}/thumbnail`;
  try {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${target.token}` },
      signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS),
    });
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !type.startsWith('image/')) return fail(await unexpectedAnswer(response, target));
    const bytes = new Uint8Array(await response.arrayBuffer());
    // FileReader is not available in every service worker: build base64 by hand, in chunks.
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { ok: true, data: `data:${type};base64,${btoa(binary)}` };
  } catch (error) {
    return fail(networkError(error, target.bridgeUrl, DEFAULT_TIMEOUT_MS));
  }
}

const queuePath = (queue: string) => `/api/queues/${encodeURIComponent(queue)}`;

/** Typed calls of the bridge API (DESIGN.md "Bridge HTTP API"). */
export function createBridgeClient(target: BridgeTarget) {
  const post = <T>(path: string, body: unknown = {}) => bridgeRequest<T>(target, 'POST', path, { body });
  return {
    status: () => bridgeRequest(target, 'GET', '/api/status', { accept: isStatus }),
    queues: () => bridgeRequest(target, 'GET', '/api/queues', { accept: isQueues }),
    queueDetail: (queue: string, failedOffset?: number, failedLimit?: number) => {
      const query = new URLSearchParams();
      if (failedOffset !== undefined) query.set('failedOffset', String(failedOffset));
      if (failedLimit !== undefined) query.set('failedLimit', String(failedLimit));
      const suffix = query.size ? `?${query}` : '';
      return bridgeRequest(target, 'GET', `${queuePath(queue)}${suffix}`, { accept: isQueueDetail });
    },
    clearStuck: (queue: string, body: ClearStuckRequest) =>
      post<ClearStuckResponse>(`${queuePath(queue)}/clear-stuck`, body),
    clearJob: (queue: string, jobId: string, body: ClearJobRequest) =>
      post<ClearJobResponse>(`${queuePath(queue)}/jobs/${encodeURIComponent(jobId)}/clear`, body),
    clearAllStuck: (mode: ClearMode) => post<ClearAllStuckResponse>('/api/actions/clear-all-stuck', { mode }),
    pause: (queue: string) => post<QueueCommandResponse>(`${queuePath(queue)}/pause`),
    resume: (queue: string) => post<QueueCommandResponse>(`${queuePath(queue)}/resume`),
    retryFailed: (queue: string) => post<FailedActionResponse>(`${queuePath(queue)}/failed/retry`),
    clearFailed: (queue: string) => post<FailedActionResponse>(`${queuePath(queue)}/failed/clear`),
    thumbnail: (assetId: string) => thumbnail(target, assetId),
    history: (query: HistoryQuery) =>
      bridgeRequest(target, 'GET', `/api/history${queryString({ ...query })}`, { accept: isHistory }),
    exportHistory: (query: HistoryQuery, format: 'csv' | 'ndjson') =>
      exportFile(
        target,
        `/api/history${queryString({ ...query, limit: undefined, before: undefined, format })}`,
        `history.${format}`,
      ),
    stats: (range: StatsRange, queue?: string) =>
      bridgeRequest(target, 'GET', `/api/stats${queryString({ range, queue })}`, { accept: isStats }),
    settings: () => bridgeRequest(target, 'GET', '/api/settings', { accept: isSettings }),
    updateSettings: (body: SettingsUpdate) =>
      bridgeRequest(target, 'PUT', '/api/settings', { body, accept: isSettings }),
    problemAssets: (query: { sort?: ProblemAssetSort; limit?: number; before?: string }) =>
      bridgeRequest(target, 'GET', `/api/problem-assets${queryString(query)}`, { accept: isProblemAssets }),
    quarantine: (assetId: string, quarantined: boolean) =>
      bridgeRequest<QuarantineResponse>(
        target,
        quarantined ? 'POST' : 'DELETE',
        `/api/problem-assets/${encodeURIComponent(assetId)}/quarantine`,
        quarantined ? { body: {} } : {},
      ),
    resetAutoHeal: () => post<Record<string, unknown>>('/api/auto-heal/reset'),
    runAutoHeal: () => post<AutoHealRunResponse>('/api/auto-heal/run'),
    // A restart waits for Docker to stop and start immich_server.
    clearAllAndRestart: (mode: ClearMode) =>
      bridgeRequest<RestartResponse>(target, 'POST', '/api/actions/clear-all-and-restart', {
        body: { mode },
        timeoutMs: 120_000,
      }),
    testAlert: (notifier?: string) => post<Record<string, unknown>>('/api/alerts/test', notifier ? { notifier } : {}),
    importMode: () => bridgeRequest(target, 'GET', '/api/import-mode', { accept: isImportMode }),
    setImportMode: (body: ImportModeUpdate) =>
      bridgeRequest(target, 'PUT', '/api/import-mode', { body, accept: isImportMode }),
    inspectQueue: (queue: string, query: { cursor?: string; events?: number }) =>
      bridgeRequest<InspectQueueResponse>(
        target,
        'GET',
        `/api/inspect/queues/${encodeURIComponent(queue)}${queryString(query)}`,
        { accept: isRecordBody },
      ),
    inspectJob: (queue: string, jobId: string) =>
      bridgeRequest<InspectJobResponse>(
        target,
        'GET',
        `/api/inspect/queues/${encodeURIComponent(queue)}/jobs/${encodeURIComponent(jobId)}`,
        { accept: isRecordBody },
      ),
    inspectCommand: (body: InspectCommandRequest) => post<InspectCommandResponse>('/api/inspect/command', body),
  };
}

export type BridgeClient = ReturnType<typeof createBridgeClient>;

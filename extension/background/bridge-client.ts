/**
 * The extension's only HTTP client for bridges: fetch + Bearer token, every failure turned into a typed
 * BridgeError so no caller ever sees an exception.
 */
import type {
  ClearAllStuckResponse,
  ClearJobRequest,
  ClearJobResponse,
  ClearMode,
  ClearStuckRequest,
  ClearStuckResponse,
  FailedActionResponse,
  QueueCommandResponse,
  QueueDetail,
  QueuesResponse,
  StatusResponse,
} from '@immich-admin-tools/shared';
import type { BridgeError, BridgeResult } from '../lib/messaging.ts';

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

function bridgeErrorBody(body: unknown): { code: string; message: string } | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  const { code, message } = body.error;
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : code } : null;
}

export const isStatus = (body: unknown): body is StatusResponse =>
  isRecord(body) && typeof body.connected === 'boolean' && typeof body.queues === 'number' && 'stuckJobs' in body;

export const isQueues = (body: unknown): body is QueuesResponse => isRecord(body) && Array.isArray(body.queues);

const isQueueDetail = (body: unknown): body is QueueDetail =>
  isRecord(body) && typeof body.name === 'string' && Array.isArray(body.failedJobs);

const isRecordBody = (body: unknown): body is never => isRecord(body);

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
  if (bridgeError) return { kind: 'http', status, code: bridgeError.code, message: bridgeError.message };
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
  method: 'GET' | 'POST',
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

/** Reads an image through the bridge and returns it as a data: URL the UI can show. */
async function thumbnail(target: BridgeTarget, assetId: string): Promise<BridgeResult<string>> {
  const url = `${target.bridgeUrl}/api/assets/${encodeURIComponent(assetId)}/thumbnail`;
  try {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${target.token}` },
      signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS),
    });
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !type.startsWith('image/')) {
      const text = await response.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: httpError reports "not a bridge"
      }
      return fail(
        httpError(
          response.ok ? 502 : response.status,
          body === null ? { json: false } : { json: true, body },
          target.bridgeUrl,
        ),
      );
    }
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
  };
}

export type BridgeClient = ReturnType<typeof createBridgeClient>;

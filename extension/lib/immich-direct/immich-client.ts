/**
 * A small client of Immich's own API, for an instance without a bridge or with its bridge down. It signs in as
 * the admin's browser session on the Immich origin (cookies, `credentials: 'include'`): the extension stores no
 * Immich API key. Every failure comes back as a BridgeResult error, never thrown.
 */
import type { FailedActionResponse, QueueCommandResponse } from '@immich-admin-tools/shared';
import type {
  QueueCommand,
  QueueCommandDto,
  QueueJobResponseDto,
  QueueResponseDto,
  QueueResponseLegacyDto,
  QueueStatisticsDto,
  QueueUpdateDto,
} from '@immich/sdk';
import type { BridgeError, BridgeResult } from '../messaging.ts';

const TIMEOUT_MS = 8000;

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Immich's queues, from the Queues API (v2.4+) or, on an older server, the legacy `/api/jobs`. */
export interface ImmichQueues {
  queues: QueueResponseDto[];
  /** Before 2.4: counts only, no job lists. */
  legacy: boolean;
}

type Answer = { ok: true; status: number; body: unknown } | { ok: false; error: BridgeError };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStatistics = (value: unknown): value is QueueStatisticsDto =>
  isRecord(value) && typeof value.active === 'number' && typeof value.waiting === 'number';

const isQueue = (value: unknown): value is QueueResponseDto =>
  isRecord(value) &&
  typeof value.name === 'string' &&
  typeof value.isPaused === 'boolean' &&
  isStatistics(value.statistics);

const isLegacyQueue = (value: unknown): value is QueueResponseLegacyDto =>
  isRecord(value) && isStatistics(value.jobCounts) && isRecord(value.queueStatus);

const isJob = (value: unknown): value is QueueJobResponseDto =>
  isRecord(value) && typeof value.name === 'string' && typeof value.timestamp === 'number';

const fromLegacy = (name: string, queue: QueueResponseLegacyDto): QueueResponseDto => ({
  name: name as QueueResponseDto['name'],
  isPaused: queue.queueStatus.isPaused,
  statistics: queue.jobCounts,
});

/** Immich's `{message}` (a string, or a list of validation messages), for an error line. */
function immichMessage(body: unknown): string | null {
  if (!isRecord(body)) return null;
  if (typeof body.message === 'string') return body.message;
  if (Array.isArray(body.message)) return body.message.filter((m) => typeof m === 'string').join('; ');
  return null;
}

export function createImmichClient(immichUrl: string, fetchImpl: Fetch = (input, init) => fetch(input, init)) {
  const notImmich = (status: number): BridgeError => ({
    kind: 'immich_error',
    status,
    message: `${immichUrl} answered, but not like Immich's API.`,
  });

  async function call(method: 'GET' | 'PUT', path: string, body?: object): Promise<Answer> {
    let response: Response;
    try {
      response = await fetchImpl(`${immichUrl}/api${path}`, {
        method,
        // The admin's session cookie on the Immich origin is the only credential.
        credentials: 'include',
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        cache: 'no-store',
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const message = timedOut
        ? `Immich at ${immichUrl} did not answer within ${TIMEOUT_MS / 1000} s.`
        : `Cannot reach Immich at ${immichUrl} (is it up, is the URL right, is access granted?).`;
      return { ok: false, error: { kind: 'immich_unreachable', message } };
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: judged below by status.
    }
    const { status } = response;
    if (status === 401 || status === 403) {
      const message =
        status === 401
          ? 'Immich does not know this browser (401): sign in to Immich as an admin in this browser.'
          : 'Immich refused (403): sign in to Immich as an admin; the user signed in here is not one.';
      return { ok: false, error: { kind: 'immich_auth', status, message } };
    }
    if (!response.ok) {
      if (status === 404) return { ok: true, status, body: parsed };
      const said = immichMessage(parsed);
      if (!said) return { ok: false, error: notImmich(status) };
      return { ok: false, error: { kind: 'immich_error', status, message: `Immich answered ${status}: ${said}` } };
    }
    return { ok: true, status, body: parsed };
  }

  /** A 2xx body of the expected shape, or the error that says why not (404 is for the caller to fall back on). */
  function accept<T>(answer: Answer, check: (body: unknown) => body is T): BridgeResult<T> {
    if (!answer.ok) return answer;
    if (answer.status === 404 || !check(answer.body)) return { ok: false, error: notImmich(answer.status) };
    return { ok: true, data: answer.body };
  }

  const queuePath = (name: string) => `/queues/${encodeURIComponent(name)}`;
  const legacyPath = (name: string) => `/jobs/${encodeURIComponent(name)}`;
  // The sdk's QueueCommand is an enum, whose runtime this client does not load: its string values stand in.
  const legacyCommand = (name: string, command: `${QueueCommand}`) =>
    call('PUT', legacyPath(name), { command, force: false } satisfies Omit<QueueCommandDto, 'command'> & {
      command: `${QueueCommand}`;
    });

  async function queues(): Promise<BridgeResult<ImmichQueues>> {
    const answer = await call('GET', '/queues');
    if (!answer.ok || answer.status !== 404) {
      const listed = accept(answer, (body): body is QueueResponseDto[] => Array.isArray(body) && body.every(isQueue));
      return listed.ok ? { ok: true, data: { queues: listed.data, legacy: false } } : listed;
    }
    // Immich before 2.4 has no Queues API; its `/api/jobs` gives the same counts keyed by queue name.
    const legacy = accept(
      await call('GET', '/jobs'),
      (body): body is Record<string, QueueResponseLegacyDto> =>
        isRecord(body) && Object.values(body).every(isLegacyQueue),
    );
    if (!legacy.ok) return legacy;
    return {
      ok: true,
      data: { queues: Object.entries(legacy.data).map(([name, queue]) => fromLegacy(name, queue)), legacy: true },
    };
  }

  /** One queue's counts: `GET /api/queues/{name}`, or its entry in the legacy list. */
  async function queue(name: string): Promise<BridgeResult<QueueResponseDto>> {
    const answer = await call('GET', queuePath(name));
    if (!answer.ok || answer.status !== 404) return accept(answer, isQueue);
    const all = await queues();
    if (!all.ok) return all;
    const found = all.data.queues.find((q) => q.name === name);
    return found ? { ok: true, data: found } : { ok: false, error: notImmich(404) };
  }

  return {
    queues,
    queue,
    /**
     * The queue's active jobs: id, name, queued time and data, no start time. v3.1 wants `status` as an array and
     * refuses a single `?status=active` (400), so the one status goes twice; later versions take either form.
     */
    activeJobs: async (name: string): Promise<BridgeResult<QueueJobResponseDto[]>> =>
      accept(
        await call('GET', `${queuePath(name)}/jobs?status=active&status=active`),
        (body): body is QueueJobResponseDto[] => Array.isArray(body) && body.every(isJob),
      ),

    /** `PUT /api/queues/{name}` with `{isPaused}`; the legacy pause/resume command before 2.4. */
    async setPaused(name: string, isPaused: boolean): Promise<BridgeResult<QueueCommandResponse>> {
      const answer = await call('PUT', queuePath(name), { isPaused } satisfies QueueUpdateDto);
      if (!answer.ok || answer.status !== 404) {
        const updated = accept(answer, isQueue);
        return updated.ok
          ? { ok: true, data: { queue: name, isPaused: updated.data.isPaused, via: 'queues-api' } }
          : updated;
      }
      const legacy = accept(await legacyCommand(name, isPaused ? 'pause' : 'resume'), isLegacyQueue);
      return legacy.ok
        ? { ok: true, data: { queue: name, isPaused: legacy.data.queueStatus.isPaused, via: 'legacy-jobs-api' } }
        : legacy;
    },

    /**
     * Removes the queue's failed jobs (at most 1000 a call, as Immich does) with the `clear-failed` command of
     * `PUT /api/jobs/{name}`: the Queues API's `DELETE /api/queues/{name}/jobs` always drains the waiting jobs too,
     * even with `{failed: true}`. The count is what the failed total fell by.
     */
    async clearFailed(name: string): Promise<BridgeResult<FailedActionResponse>> {
      const before = await queue(name);
      if (!before.ok) return before;
      const after = accept(await legacyCommand(name, 'clear-failed'), isLegacyQueue);
      if (!after.ok) return after;
      const count = Math.max(0, before.data.statistics.failed - after.data.jobCounts.failed);
      return { ok: true, data: { queue: name, count } };
    },
  };
}

export type ImmichClient = ReturnType<typeof createImmichClient>;

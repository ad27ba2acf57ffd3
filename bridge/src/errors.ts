import type { ErrorBody, ErrorCode } from '@immich-admin-tools/shared';

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 502 | 503;

/** The one error type routes throw; `onError` turns it into `{error: {code, message}}`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: Status,
    message: string,
    /** Per-field messages (`section.field`), for inline errors beside a form's fields. */
    readonly fields?: Record<string, string>,
    /** A refusal that passes by itself (a restart's cooldown): seconds until it is worth asking again. */
    readonly retryAfterSeconds?: number,
    /** A bulk clear Redis stopped mid-way: what it cleared before, and which job's outcome is unknown. */
    readonly partial?: Pick<ErrorBody['error'], 'cleared' | 'unknown'>,
  ) {
    super(message);
  }
}

/** The API's error shape, for answers made outside `onError` too (auth, the Node parser, oversize bodies). */
export const errorBody = (code: ErrorCode, message: string): ErrorBody => ({ error: { code, message } });

export const redisUnavailable = () => new AppError('REDIS_UNAVAILABLE', 503, 'Redis is not reachable from the bridge');

/** A write was sent but Redis never confirmed it (timeout, or the connection dropped): it may or may not have run. */
export const unknownOutcome = (what: string) =>
  new AppError('UNKNOWN_OUTCOME', 503, `Redis did not confirm ${what} in time: unknown outcome, check the job`);

import type { ErrorCode } from '@immich-admin-tools/shared';

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 500 | 502 | 503;

/** The one error type routes throw; `onError` turns it into `{error: {code, message}}`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: Status,
    message: string,
  ) {
    super(message);
  }
}

export const redisUnavailable = () => new AppError('REDIS_UNAVAILABLE', 503, 'Redis is not reachable from the bridge');

import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const ERROR_NAMES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

/** An error body shaped like Immich's (NestJS): `{message, error, statusCode, correlationId}`. */
export function immichError(c: Context, status: ContentfulStatusCode, message: string | string[]) {
  return c.json(
    { message, error: ERROR_NAMES[status] ?? 'Error', statusCode: status, correlationId: crypto.randomUUID() },
    status,
  );
}

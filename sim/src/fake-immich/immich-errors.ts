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

/** One zod issue as nestjs-zod lists it. */
export interface ZodIssue {
  code: string;
  path: (string | number)[];
  message: string;
  [detail: string]: unknown;
}

/** A request DTO that failed validation, as Immich v3.1 answers it: `{message: 'Validation failed', errors}`, 400. */
export function immichValidationError(c: Context, errors: ZodIssue[]) {
  return c.json({ message: 'Validation failed', errors }, 400);
}

import { CLEAR_MODES } from '@immich-admin-tools/shared';
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { JOB_ID_PATTERN, QUEUE_NAME_PATTERN } from '../redis/keys.ts';

/** zValidator whose failures become the API's `{error: {code: 'BAD_REQUEST'}}` with the first problem named. */
export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new AppError('BAD_REQUEST', 400, `${where}${issue?.message ?? 'invalid request'}`);
    }
  });

const mode = z.enum(CLEAR_MODES).default('fail');
const jobId = z.string().regex(JOB_ID_PATTERN, 'not a BullMQ job id');

export const queueName = z.string().regex(QUEUE_NAME_PATTERN, 'not a queue name');

export const queueParam = z.object({ name: queueName });
export const jobParam = queueParam.extend({ jobId });
export const assetParam = z.object({ assetId: z.uuid('not an asset id') });

export const clearStuckBody = z.strictObject({
  mode,
  jobIds: z.array(jobId).min(1).max(500).optional(),
});

export const clearJobBody = z.strictObject({
  mode,
  startedAt: z.union([z.number().int().positive(), z.iso.datetime({ offset: true })]).optional(),
  force: z.boolean().optional(),
});

export const clearAllBody = z.strictObject({ mode });

/** Commands that take no options: an empty object or no body at all; anything more is a mistake (400). */
export const noBody = z.strictObject({});

export const failedPageQuery = z.object({
  failedOffset: z.coerce.number().int().min(0).max(100_000).default(0),
  failedLimit: z.coerce.number().int().min(1).max(200).default(50),
});

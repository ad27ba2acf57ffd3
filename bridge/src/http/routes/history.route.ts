import { HISTORY_EVENTS, type HistoryEventName, type HistoryItem } from '@immich-admin-tools/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { JOB_ID_PATTERN } from '../../redis/keys.ts';
import type { HistoryFilter } from '../../store/history.service.ts';
import type { Deps } from '../deps.ts';
import { queueName, validate } from '../validation.ts';

const MAX_LIMIT = 1000;

const instant = z
  .string()
  .refine((v) => /^\d{1,15}$/.test(v) || !Number.isNaN(Date.parse(v)), 'must be an ISO date-time or ms since the epoch')
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)))
  .describe('An ISO date-time or ms since the epoch');

const eventList = z
  .string()
  .transform((v) => v.split(',').map((e) => e.trim()))
  .pipe(
    z.array(
      z.enum(HISTORY_EVENTS, { message: `must be one or more of ${HISTORY_EVENTS.join(', ')}, comma-separated` }),
    ),
  )
  .describe(`One or more of ${HISTORY_EVENTS.join(', ')}, comma-separated`);

export const historyQuery = z
  .strictObject({
    queue: queueName.optional(),
    event: eventList.optional(),
    assetId: z.uuid('not an asset id').optional(),
    jobId: z.string().regex(JOB_ID_PATTERN, 'not a BullMQ job id').optional(),
    since: instant.optional(),
    until: instant.optional(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(MAX_LIMIT).default(100),
    before: z.coerce.number().int('must be a row id').positive('must be a row id').optional(),
    format: z.enum(['json', 'csv', 'ndjson'], 'must be json, csv or ndjson').default('json'),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since < q.until, {
    message: 'since must be before until',
    path: ['since'],
  });

const CSV_COLUMNS = [
  'id',
  'timestamp',
  'event',
  'queue',
  'jobId',
  'jobName',
  'assetId',
  'assetPath',
  'ageSeconds',
  'actor',
  'mode',
  'detail',
] as const;

/** RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet never runs a file path as a formula. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (item: HistoryItem) => CSV_COLUMNS.map((column) => csvField(item[column])).join(',') + '\r\n';

/** The whole filtered range as a download, read in chunks as the client takes it. */
function exportStream(deps: Deps, filter: HistoryFilter, format: 'csv' | 'ndjson'): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = deps.history.iterate(filter);
  let header = format === 'csv';
  return new ReadableStream({
    pull(controller) {
      if (header) {
        header = false;
        controller.enqueue(encoder.encode(CSV_COLUMNS.join(',') + '\r\n'));
        return;
      }
      const next = chunks.next();
      if (next.done) return controller.close();
      const text = next.value.map((item) => (format === 'csv' ? csvLine(item) : `${JSON.stringify(item)}\n`));
      controller.enqueue(encoder.encode(text.join('')));
    },
    cancel() {
      chunks.return(undefined);
    },
  });
}

export const historyRoutes = (deps: Deps) =>
  new Hono().get('/', validate('query', historyQuery), (c) => {
    const q = c.req.valid('query');
    const filter: HistoryFilter = {
      queue: q.queue,
      events: q.event as HistoryEventName[] | undefined,
      assetId: q.assetId,
      jobId: q.jobId,
      since: q.since,
      until: q.until,
      before: q.before,
    };
    if (q.format === 'json') return c.json(deps.history.page(filter, q.limit));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return c.body(exportStream(deps, filter, q.format), 200, {
      'content-type': q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="immich-admin-tools-history-${stamp}.${q.format}"`,
      'cache-control': 'no-store',
    });
  });

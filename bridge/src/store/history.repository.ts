import type { HistoryActor, HistoryEventName, HistoryItem } from '@immich-admin-tools/shared';
import type { Db } from './database.ts';

export interface NewHistoryRow {
  event: HistoryEventName;
  actor: HistoryActor;
  queue?: string | null;
  jobId?: string | null;
  jobName?: string | null;
  assetId?: string | null;
  assetPath?: string | null;
  ageSeconds?: number | null;
  mode?: string | null;
  detail?: Record<string, unknown> | null;
  /** ms epoch; defaults to now. */
  at?: number;
  /** Rows with the same key are written once (a job run's detection, a stream entry). */
  dedupKey?: string;
}

export interface HistoryFilter {
  queue?: string;
  events?: HistoryEventName[];
  assetId?: string;
  jobId?: string;
  /** ms epoch, inclusive. */
  since?: number;
  /** ms epoch, exclusive. */
  until?: number;
  /** Row id cursor: only rows older than it. */
  before?: number;
}

interface Row {
  id: number;
  ts: number;
  event: HistoryEventName;
  queue: string | null;
  job_id: string | null;
  job_name: string | null;
  asset_id: string | null;
  asset_path: string | null;
  age_seconds: number | null;
  actor: HistoryActor;
  mode: string | null;
  detail: string | null;
}

const toItem = (row: Row): HistoryItem => ({
  id: row.id,
  timestamp: new Date(row.ts).toISOString(),
  event: row.event,
  queue: row.queue,
  jobId: row.job_id,
  jobName: row.job_name,
  assetId: row.asset_id,
  assetPath: row.asset_path,
  ageSeconds: row.age_seconds,
  actor: row.actor,
  mode: row.mode,
  detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
});

/** SQL of the history table. Rows are immutable; only retention deletes them. */
export class HistoryRepository {
  private readonly insertRow;
  private readonly deleteOld;

  constructor(private readonly db: Db) {
    this.insertRow = db.prepare(`
      INSERT OR IGNORE INTO history (ts, event, queue, job_id, job_name, asset_id, asset_path, age_seconds, actor, mode, detail, dedup_key)
      VALUES (@ts, @event, @queue, @jobId, @jobName, @assetId, @assetPath, @ageSeconds, @actor, @mode, @detail, @dedupKey)`);
    this.deleteOld = db.prepare('DELETE FROM history WHERE id IN (SELECT id FROM history WHERE ts < ? LIMIT ?)');
  }

  /** Inserts rows (inside the caller's transaction); a row whose dedup key exists already is skipped. */
  insert(rows: NewHistoryRow[], now: number): HistoryItem[] {
    const items: HistoryItem[] = [];
    for (const row of rows) {
      const params = {
        ts: row.at ?? now,
        event: row.event,
        queue: row.queue ?? null,
        jobId: row.jobId ?? null,
        jobName: row.jobName ?? null,
        assetId: row.assetId ?? null,
        assetPath: row.assetPath ?? null,
        ageSeconds:
          row.ageSeconds === undefined || row.ageSeconds === null ? null : Math.round(row.ageSeconds * 10) / 10,
        actor: row.actor,
        mode: row.mode ?? null,
        detail: row.detail ? JSON.stringify(row.detail) : null,
        dedupKey: row.dedupKey ?? null,
      };
      const result = this.insertRow.run(params);
      if (result.changes === 0) continue;
      items.push(
        toItem({
          ...params,
          id: Number(result.lastInsertRowid),
          job_id: params.jobId,
          job_name: params.jobName,
          asset_id: params.assetId,
          asset_path: params.assetPath,
          age_seconds: params.ageSeconds,
        }),
      );
    }
    return items;
  }

  /** Newest first, at most `limit` rows. */
  page(filter: HistoryFilter, limit: number): HistoryItem[] {
    const { where, params } = whereClause(filter);
    const rows = this.db
      .prepare(`SELECT * FROM history ${where} ORDER BY id DESC LIMIT ?`)
      .all(...params, limit) as Row[];
    return rows.map(toItem);
  }

  count(filter: HistoryFilter): number {
    const { where, params } = whereClause(filter);
    return (this.db.prepare(`SELECT count(*) AS n FROM history ${where}`).get(...params) as { n: number }).n;
  }

  /** stuck_job_detected per bucket of `bucketMs` since `since`, for the stats page. */
  stuckPerBucket(since: number, until: number, bucketMs: number, queue?: string): { t: number; count: number }[] {
    return this.db
      .prepare(
        `SELECT ts - ts % @bucket AS t, count(*) AS count FROM history
         WHERE event = 'stuck_job_detected' AND ts >= @since AND ts < @until ${queue ? 'AND queue = @queue' : ''}
         GROUP BY 1 ORDER BY 1`,
      )
      .all({ bucket: bucketMs, since, until, ...(queue ? { queue } : {}) }) as { t: number; count: number }[];
  }

  /** Deletes up to `batch` rows older than `cutoff`; returns how many went. */
  prune(cutoff: number, batch: number): number {
    return this.deleteOld.run(cutoff, batch).changes;
  }
}

function whereClause(filter: HistoryFilter): { where: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql);
    params.push(...values);
  };
  if (filter.queue !== undefined) add('queue = ?', filter.queue);
  if (filter.events?.length) add(`event IN (${filter.events.map(() => '?').join(',')})`, ...filter.events);
  if (filter.assetId !== undefined) add('asset_id = ?', filter.assetId);
  if (filter.jobId !== undefined) add('job_id = ?', filter.jobId);
  if (filter.since !== undefined) add('ts >= ?', filter.since);
  if (filter.until !== undefined) add('ts < ?', filter.until);
  if (filter.before !== undefined) add('id < ?', filter.before);
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

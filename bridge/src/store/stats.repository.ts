import type { Db } from './database.ts';

/** One bucket of a queue's counts, as stored and as read back. */
export interface BucketRow {
  queue: string;
  /** Start of the bucket, ms epoch. */
  t: number;
  completed: number;
  failed: number;
  durCount: number;
  durSum: number;
  durMax: number;
  lost: number;
}

/** Counts to add to one minute of a queue or of one of its job names. */
export interface BucketDelta extends BucketRow {
  /** '' is the queue's total row, also written for a minute with nothing finished: a missing bucket is a gap. */
  jobName: string;
}

export type BucketTable = 'stats_minute' | 'stats_hour' | 'stats_day';

export interface JobNameRow {
  queue: string;
  jobName: string;
  completed: number;
  failed: number;
  durCount: number;
  durSum: number;
  durMax: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TABLES: readonly [BucketTable, number][] = [
  ['stats_minute', MINUTE],
  ['stats_hour', HOUR],
  ['stats_day', DAY],
];

/** SQL of the statistics buckets: each delta is added to its minute, hour and day at once, so no roll-up job can fall behind. */
export class StatsRepository {
  private readonly upserts;

  constructor(private readonly db: Db) {
    this.upserts = TABLES.map(([table, width]) => ({
      width,
      statement: db.prepare(`
        INSERT INTO ${table} (queue, job_name, t, completed, failed, dur_count, dur_sum, dur_max, lost)
        VALUES (@queue, @jobName, @t, @completed, @failed, @durCount, @durSum, @durMax, @lost)
        ON CONFLICT (job_name, t, queue) DO UPDATE SET
          completed = completed + excluded.completed, failed = failed + excluded.failed,
          dur_count = dur_count + excluded.dur_count, dur_sum = dur_sum + excluded.dur_sum,
          dur_max = max(dur_max, excluded.dur_max), lost = lost + excluded.lost`),
    }));
  }

  /** Adds deltas (inside the caller's transaction), summed per bucket first so a busy tick costs few writes. */
  add(deltas: Iterable<BucketDelta>): void {
    const list = [...deltas];
    for (const { width, statement } of this.upserts) {
      const merged = new Map<string, BucketDelta>();
      for (const delta of list) {
        const t = Math.floor(delta.t / width) * width;
        const key = `${delta.queue}\u0000${delta.jobName}\u0000${t}`;
        const sum = merged.get(key);
        if (!sum) {
          merged.set(key, { ...delta, t });
          continue;
        }
        sum.completed += delta.completed;
        sum.failed += delta.failed;
        sum.durCount += delta.durCount;
        sum.durSum += delta.durSum;
        sum.durMax = Math.max(sum.durMax, delta.durMax);
        sum.lost += delta.lost;
      }
      for (const delta of merged.values()) statement.run(delta);
    }
  }

  /** The queue total rows (job name '') of a time range, in key order; the caller buckets them. */
  queueRows(table: BucketTable, from: number, to: number, queue?: string): BucketRow[] {
    return this.db
      .prepare(
        `SELECT queue, t, completed, failed, dur_count AS durCount, dur_sum AS durSum, dur_max AS durMax, lost
         FROM ${table} WHERE job_name = '' AND t >= @from AND t < @to ${queue ? 'AND queue = @queue' : ''}`,
      )
      .all({ from, to, ...(queue ? { queue } : {}) }) as BucketRow[];
  }

  /**
   * One pass over the last month's hour buckets, by UTC hour of day: the completions of the range (peak hours)
   * and the totals of the last day, week and month.
   */
  hourly(
    since: { range: number; day: number; week: number; month: number },
    to: number,
    queue?: string,
  ): {
    hour: number;
    inRange: number;
    completedDay: number;
    failedDay: number;
    completedWeek: number;
    completedMonth: number;
  }[] {
    return this.db
      .prepare(
        `SELECT (t % ${DAY}) / ${HOUR} AS hour,
           coalesce(sum(CASE WHEN t >= @range THEN completed END), 0) AS inRange,
           coalesce(sum(CASE WHEN t >= @day THEN completed END), 0) AS completedDay,
           coalesce(sum(CASE WHEN t >= @day THEN failed END), 0) AS failedDay,
           coalesce(sum(CASE WHEN t >= @week THEN completed END), 0) AS completedWeek,
           coalesce(sum(completed), 0) AS completedMonth
         FROM stats_hour WHERE job_name = '' AND t >= min(@month, @range) AND t < @to ${queue ? 'AND queue = @queue' : ''}
         GROUP BY 1 ORDER BY 1`,
      )
      .all({ ...since, to, ...(queue ? { queue } : {}) }) as {
      hour: number;
      inRange: number;
      completedDay: number;
      failedDay: number;
      completedWeek: number;
      completedMonth: number;
    }[];
  }

  byJobName(table: BucketTable, from: number, to: number, queue?: string): JobNameRow[] {
    return this.db
      .prepare(
        `SELECT queue, job_name AS jobName, sum(completed) AS completed, sum(failed) AS failed,
           sum(dur_count) AS durCount, sum(dur_sum) AS durSum, max(dur_max) AS durMax
         FROM ${table} WHERE job_name <> '' AND t >= @from AND t < @to ${queue ? 'AND queue = @queue' : ''}
         GROUP BY queue, job_name ORDER BY queue, job_name`,
      )
      .all({ from, to, ...(queue ? { queue } : {}) }) as JobNameRow[];
  }

  /** Deletes up to `batch` buckets older than `cutoff` from one table. */
  prune(table: BucketTable, cutoff: number, batch: number): number {
    return this.db
      .prepare(
        `DELETE FROM ${table} WHERE (job_name, t, queue) IN (SELECT job_name, t, queue FROM ${table} WHERE t < ? LIMIT ?)`,
      )
      .run(cutoff, batch).changes;
  }
}

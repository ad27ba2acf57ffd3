import type { StatsPoint, StatsRange, StatsResponse } from '@immich-admin-tools/shared';
import type { BucketTable } from './stats.repository.ts';
import type { Store } from './store.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Span, source table and bucket width of each range: a few hundred points a queue at most. */
const RANGES: Record<StatsRange, { span: number; table: BucketTable; bucket: number }> = {
  '1h': { span: HOUR, table: 'stats_minute', bucket: MINUTE },
  '24h': { span: DAY, table: 'stats_minute', bucket: 5 * MINUTE },
  '7d': { span: 7 * DAY, table: 'stats_hour', bucket: HOUR },
  '30d': { span: 30 * DAY, table: 'stats_hour', bucket: 6 * HOUR },
};

const avg = (sum: number, count: number) => (count > 0 ? Math.round(sum / count) : null);
const rate = (failed: number, completed: number) =>
  completed + failed > 0 ? Math.round((failed / (completed + failed)) * 10_000) / 10_000 : null;

/** GET /api/stats from the stored buckets: series, totals, per job name, peak hours, trend and stuck counts. */
export class StatsService {
  constructor(private readonly store: Store) {}

  stats(range: StatsRange, queue: string | undefined, now = Date.now()): StatsResponse {
    const { span, table, bucket } = RANGES[range];
    // Whole buckets: the range ends with the bucket in progress.
    const to = Math.floor(now / bucket) * bucket + bucket;
    const from = to - span;
    const stats = this.store.stats;

    const series = new Map<string, StatsPoint[]>();
    for (const row of stats.series(table, from, to, bucket, queue)) {
      let points = series.get(row.queue);
      if (!points) series.set(row.queue, (points = []));
      points.push({
        t: new Date(row.t).toISOString(),
        completed: row.completed,
        failed: row.failed,
        avgDurationMs: avg(row.durSum, row.durCount),
        maxDurationMs: row.durCount > 0 ? Math.round(row.durMax) : null,
        lost: row.lost,
      });
    }
    const inRange = stats.totals(table, from, to, queue);
    const before = stats.totals(table, from - span, from, queue);
    const hourNow = Math.floor(now / HOUR) * HOUR + HOUR;
    const day = stats.totals('stats_hour', hourNow - DAY, hourNow, queue);
    return {
      range,
      bucketSeconds: bucket / 1000,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      series: [...series].map(([name, points]) => ({ queue: name, points })),
      totals: {
        completedToday: day.completed,
        completedWeek: stats.totals('stats_hour', hourNow - 7 * DAY, hourNow, queue).completed,
        completedMonth: stats.totals('stats_hour', hourNow - 30 * DAY, hourNow, queue).completed,
        failedToday: day.failed,
        failureRate: rate(inRange.failed, inRange.completed),
      },
      previousFailureRate: rate(before.failed, before.completed),
      // A month per job name reads day buckets: the range's edges are then whole days.
      byJobName: stats.byJobName(range === '30d' ? 'stats_day' : table, from, to, queue).map((row) => ({
        queue: row.queue,
        jobName: row.jobName,
        completed: row.completed,
        failed: row.failed,
        avgDurationMs: avg(row.durSum, row.durCount),
        maxDurationMs: row.durCount > 0 ? Math.round(row.durMax) : null,
      })),
      peakHours: stats.peakHours(from, to, queue),
      stuck: this.store.history
        .stuckPerBucket(from, to, bucket, queue)
        .map((row) => ({ t: new Date(row.t).toISOString(), count: row.count })),
    };
  }
}

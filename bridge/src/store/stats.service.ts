import type { StatsRange, StatsResponse } from '@immich-admin-tools/shared';
import type { BucketRow, BucketTable } from './stats.repository.ts';
import type { Store } from './store.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Span, source table and bucket width of each range: a few hundred points a queue at most. */
const RANGES: Record<StatsRange, { span: number; table: BucketTable; bucket: number }> = {
  '1h': { span: HOUR, table: 'stats_minute', bucket: MINUTE },
  '24h': { span: DAY, table: 'stats_minute', bucket: 5 * MINUTE },
  '7d': { span: 7 * DAY, table: 'stats_hour', bucket: HOUR },
  // A month in days: 30 points a queue, read from the day buckets without touching the hours.
  '30d': { span: 30 * DAY, table: 'stats_day', bucket: DAY },
};

type Sum = BucketRow;

const avg = (sum: number, count: number) => (count > 0 ? Math.round(sum / count) : null);
const rate = (failed: number, completed: number) =>
  completed + failed > 0 ? Math.round((failed / (completed + failed)) * 10_000) / 10_000 : null;

/** How long an answer is reused: a fraction of its bucket, so a chart is never more than a little behind. */
const CACHE_MS: Record<StatsRange, number> = { '1h': 1000, '24h': 2000, '7d': 5000, '30d': 10_000 };

/** GET /api/stats from the stored buckets: series, totals, per job name, peak hours, trend and stuck counts. */
export class StatsService {
  private readonly cache = new Map<string, { until: number; value: StatsResponse }>();

  constructor(private readonly store: Store) {}

  /** The answer for a range, computed at most once per CACHE_MS however many pages ask. */
  cached(range: StatsRange, queue: string | undefined, now = Date.now()): StatsResponse {
    const key = `${range}\u0000${queue ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = this.stats(range, queue, now);
    // Queue names come from requests: keep the cache bounded whatever they ask for.
    if (this.cache.size >= 200) this.cache.clear();
    this.cache.set(key, { until: now + CACHE_MS[range], value });
    return value;
  }

  stats(range: StatsRange, queue: string | undefined, now = Date.now()): StatsResponse {
    const { span, table, bucket } = RANGES[range];
    // Whole buckets: the range ends with the bucket in progress.
    const to = Math.floor(now / bucket) * bucket + bucket;
    const from = to - span;
    const stats = this.store.stats;

    // One read of the range and the one before it; bucketing, totals and peak hours are summed here.
    const series = new Map<string, Map<number, Sum>>();
    const inRange = { completed: 0, failed: 0 };
    const before = { completed: 0, failed: 0 };
    for (const row of stats.queueRows(table, from - span, to, queue)) {
      if (row.t < from) {
        before.completed += row.completed;
        before.failed += row.failed;
        continue;
      }
      inRange.completed += row.completed;
      inRange.failed += row.failed;
      let buckets = series.get(row.queue);
      if (!buckets) series.set(row.queue, (buckets = new Map()));
      const t = row.t - (row.t % bucket);
      const sum = buckets.get(t);
      if (!sum) {
        buckets.set(t, { ...row, t });
        continue;
      }
      sum.completed += row.completed;
      sum.failed += row.failed;
      sum.durCount += row.durCount;
      sum.durSum += row.durSum;
      sum.durMax = Math.max(sum.durMax, row.durMax);
      sum.lost += row.lost;
    }
    const hourNow = Math.floor(now / HOUR) * HOUR + HOUR;
    const hours = stats.hourly(
      { range: from, day: hourNow - DAY, week: hourNow - 7 * DAY, month: hourNow - 30 * DAY },
      hourNow,
      queue,
    );
    const total = (pick: (h: (typeof hours)[number]) => number) => hours.reduce((sum, h) => sum + pick(h), 0);
    return {
      range,
      bucketSeconds: bucket / 1000,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      series: [...series]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, buckets]) => ({
          queue: name,
          points: [...buckets.values()]
            .sort((a, b) => a.t - b.t)
            .map((sum) => ({
              t: new Date(sum.t).toISOString(),
              completed: sum.completed,
              failed: sum.failed,
              avgDurationMs: avg(sum.durSum, sum.durCount),
              maxDurationMs: sum.durCount > 0 ? Math.round(sum.durMax) : null,
              lost: sum.lost,
            })),
        })),
      totals: {
        completedToday: total((h) => h.completedDay),
        completedWeek: total((h) => h.completedWeek),
        completedMonth: total((h) => h.completedMonth),
        failedToday: total((h) => h.failedDay),
        failureRate: rate(inRange.failed, inRange.completed),
      },
      previousFailureRate: rate(before.failed, before.completed),
      byJobName: stats.byJobName(table, from, to, queue).map((row) => ({
        queue: row.queue,
        jobName: row.jobName,
        completed: row.completed,
        failed: row.failed,
        avgDurationMs: avg(row.durSum, row.durCount),
        maxDurationMs: row.durCount > 0 ? Math.round(row.durMax) : null,
      })),
      peakHours: hours.filter((h) => h.inRange > 0).map((h) => ({ hour: h.hour, completed: h.inRange })),
      stuck: this.store.history
        .stuckPerBucket(from, to, bucket, queue)
        .map((row) => ({ t: new Date(row.t).toISOString(), count: row.count })),
    };
  }
}

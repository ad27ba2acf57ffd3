/**
 * Turns a StatsResponse into the aligned arrays uPlot draws: x first (seconds, or an index for bars),
 * then one array per series. A bucket with lost events is null, which uPlot draws as a gap.
 */
import type { StatsPoint, StatsResponse } from '@immich-admin-tools/shared';

export interface ChartData {
  /** x values then one array per series, as uPlot.AlignedData. */
  data: [number[], ...(number | null)[][]];
  series: { label: string; color: ChartColor }[];
  /** Labels of x for bar charts (job names, hours); absent on time axes. */
  xLabels?: string[];
  /** Nothing to draw: the view says so instead. */
  empty: boolean;
}

/** Theme colour names, resolved from @immich/ui's CSS variables at draw time. */
export type ChartColor = 'primary' | 'danger' | 'warning' | 'success' | 'info';

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const hasValue = (values: (number | null)[]) => values.some((v) => v !== null && v > 0);

/** Every bucket start of the range, so that buckets without events show as zero and queues align. */
function bucketTimes(stats: StatsResponse): number[] {
  const step = stats.bucketSeconds;
  const from = Math.floor(seconds(stats.from) / step) * step;
  const to = seconds(stats.to);
  const times: number[] = [];
  for (let t = from; t <= to && step > 0; t += step) times.push(t);
  return times;
}

/** Sums the points of the chosen queues (all when `queue` is empty) per bucket; a lost bucket is null. */
function perBucket(
  stats: StatsResponse,
  queue: string,
  value: (point: StatsPoint) => number,
): { times: number[]; values: (number | null)[] } {
  const times = bucketTimes(stats);
  const index = new Map(times.map((t, i) => [t, i]));
  const values: (number | null)[] = times.map(() => 0);
  for (const series of stats.series) {
    if (queue && series.queue !== queue) continue;
    for (const point of series.points) {
      const i = index.get(Math.floor(seconds(point.t) / stats.bucketSeconds) * stats.bucketSeconds);
      if (i === undefined) continue;
      const current = values[i];
      values[i] = point.lost > 0 || current === null ? null : (current ?? 0) + value(point);
    }
  }
  return { times, values };
}

export function throughputChart(stats: StatsResponse, queue = ''): ChartData {
  const completed = perBucket(stats, queue, (p) => p.completed);
  const failed = perBucket(stats, queue, (p) => p.failed);
  return {
    data: [completed.times, completed.values, failed.values],
    series: [
      { label: 'Completed', color: 'primary' },
      { label: 'Failed', color: 'danger' },
    ],
    empty: !hasValue(completed.values) && !hasValue(failed.values),
  };
}

export function failureRateChart(stats: StatsResponse, queue = ''): ChartData {
  const completed = perBucket(stats, queue, (p) => p.completed);
  const failed = perBucket(stats, queue, (p) => p.failed);
  const rate = completed.values.map((done, i) => {
    const bad = failed.values[i] ?? null;
    if (done === null || bad === null || done + bad === 0) return null;
    return Math.round((bad / (done + bad)) * 1000) / 10;
  });
  return {
    data: [completed.times, rate],
    series: [{ label: 'Failure rate %', color: 'danger' }],
    empty: !rate.some((v) => v !== null),
  };
}

export function stuckChart(stats: StatsResponse): ChartData {
  const times = bucketTimes(stats);
  const index = new Map(times.map((t, i) => [t, i]));
  const counts: (number | null)[] = times.map(() => 0);
  for (const { t, count } of stats.stuck) {
    const i = index.get(Math.floor(seconds(t) / stats.bucketSeconds) * stats.bucketSeconds);
    if (i !== undefined) counts[i] = (counts[i] ?? 0) + count;
  }
  return {
    data: [times, counts],
    series: [{ label: 'Stuck jobs detected', color: 'warning' }],
    empty: !hasValue(counts),
  };
}

const toSeconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

/** Average and maximum duration (s) per job name, slowest first; bars over an index axis. */
export function durationChart(stats: StatsResponse, queue = '', limit = 12): ChartData {
  const rows = stats.byJobName
    .filter((row) => (!queue || row.queue === queue) && row.avgDurationMs !== null)
    .sort((a, b) => (b.maxDurationMs ?? 0) - (a.maxDurationMs ?? 0))
    .slice(0, limit);
  return {
    data: [
      rows.map((_, i) => i),
      rows.map((r) => toSeconds(r.avgDurationMs)),
      rows.map((r) => toSeconds(r.maxDurationMs)),
    ],
    series: [
      { label: 'Average s', color: 'primary' },
      { label: 'Maximum s', color: 'warning' },
    ],
    xLabels: rows.map((r) => r.jobName),
    empty: rows.length === 0,
  };
}

/** Completions by hour of day 0–23 (the bridge's UTC hours). */
export function peakHoursChart(stats: StatsResponse): ChartData {
  const byHour = new Map(stats.peakHours.map((p) => [p.hour, p.completed]));
  const hours = Array.from({ length: 24 }, (_, hour) => hour);
  const values = hours.map((hour) => byHour.get(hour) ?? 0);
  return {
    data: [hours, values],
    series: [{ label: 'Completed', color: 'primary' }],
    xLabels: hours.map((hour) => `${String(hour).padStart(2, '0')}:00`),
    empty: !hasValue(values),
  };
}

/** "3.2 %" or "–". */
export const formatFailureRate = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)} %`);

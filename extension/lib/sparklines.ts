/**
 * The Jobs-page cards' sparklines: the last hour of a queue's completions and failures, from one
 * /api/stats?range=1h answer (minute buckets) for all cards, and drawn on a small canvas without any chart library.
 */
import type { StatsResponse } from '@immich-admin-tools/shared';
import type { Sparklines } from './messaging.ts';

export const SPARKLINE_MINUTES = 60;
const MINUTE_MS = 60_000;

/** Dense minute arrays of the hour before `stats.to`; a bucket with lost events is null (drawn as a gap). */
export function lastHourOf(stats: StatsResponse): Sparklines {
  const end = Math.floor(Date.parse(stats.to) / MINUTE_MS) * MINUTE_MS;
  const start = end - (SPARKLINE_MINUTES - 1) * MINUTE_MS;
  const queues: Sparklines['queues'] = {};
  for (const { queue, points } of stats.series) {
    const completed: (number | null)[] = new Array<number>(SPARKLINE_MINUTES).fill(0);
    const failed: (number | null)[] = new Array<number>(SPARKLINE_MINUTES).fill(0);
    for (const point of points) {
      const index = Math.floor((Date.parse(point.t) - start) / MINUTE_MS);
      if (index < 0 || index >= SPARKLINE_MINUTES) continue;
      completed[index] = point.lost > 0 ? null : (completed[index] ?? 0) + point.completed;
      failed[index] = point.lost > 0 ? null : (failed[index] ?? 0) + point.failed;
    }
    queues[queue] = { completed, failed };
  }
  return { from: new Date(start).toISOString(), queues };
}

export interface SparklineColors {
  completed: string;
  failed: string;
}

/** CSS size of the canvas (Tailwind w-20 h-5): fixed, so drawing never has to ask the page for a layout. */
export const SPARKLINE_SIZE = { width: 80, height: 20 } as const;

const palettes = new Map<string, SparklineColors>();

/** The theme's colours, read from @immich/ui's variables once per light/dark (a style read is the costly part). */
export function sparklineColors(canvas: HTMLCanvasElement): SparklineColors {
  const theme = canvas.closest('.dark') ? 'dark' : 'light';
  let colors = palettes.get(theme);
  if (!colors) {
    const style = getComputedStyle(canvas);
    colors = {
      completed: style.getPropertyValue('--immich-ui-primary-500').trim() || '#4250af',
      failed: style.getPropertyValue('--immich-ui-danger-500').trim() || '#e53935',
    };
    palettes.set(theme, colors);
  }
  return colors;
}

/** Draws one line per series scaled to the larger maximum; nulls break the line. A few hundred canvas calls. */
export function drawSparkline(
  canvas: HTMLCanvasElement,
  series: { completed: (number | null)[]; failed: (number | null)[] },
  colors: SparklineColors,
): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const ratio = globalThis.devicePixelRatio || 1;
  const { width, height } = SPARKLINE_SIZE;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  let max = 1;
  for (const value of series.completed) if (value !== null && value > max) max = value;
  for (const value of series.failed) if (value !== null && value > max) max = value;
  const line = (values: (number | null)[], color: string) => {
    const step = width / Math.max(1, values.length - 1);
    context.beginPath();
    context.strokeStyle = color;
    context.lineWidth = 1.5;
    let drawing = false;
    values.forEach((value, i) => {
      if (value === null) {
        drawing = false;
        return;
      }
      const x = i * step;
      const y = height - 1 - (value / max) * (height - 2);
      if (drawing) context.lineTo(x, y);
      else context.moveTo(x, y);
      drawing = true;
    });
    context.stroke();
  };
  line(series.completed, colors.completed);
  line(series.failed, colors.failed);
}

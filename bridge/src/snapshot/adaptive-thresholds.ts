/** Completions a job name needs before its p99 counts. */
export const MIN_SAMPLES = 50;
const KEEP = 500;
export const MAX_THRESHOLD_SECONDS = 24 * 3600;

/**
 * Adaptive stuck thresholds: a job name's p99 duration over its recent completions, times a factor.
 * A slow but healthy transcode then stops being flagged, while a queue of fast jobs keeps its tight limit.
 */
export class AdaptiveThresholds {
  /** Recent durations (ms) per `queue \0 jobName`, oldest first. */
  private readonly samples = new Map<string, number[]>();
  private readonly p99Cache = new Map<string, number | null>();

  add(queue: string, jobName: string | null, durationMs: number): void {
    if (!jobName || durationMs < 0) return;
    const key = `${queue}\u0000${jobName}`;
    let list = this.samples.get(key);
    if (!list) this.samples.set(key, (list = []));
    list.push(durationMs);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
    this.p99Cache.delete(key);
  }

  /** factor × p99 of the job name in seconds, capped at 24 h; null while too few completions or when off. */
  forJob(queue: string, jobName: string | null, factor: number): number | null {
    if (factor <= 0 || !jobName) return null;
    const p99 = this.p99(`${queue}\u0000${jobName}`);
    return p99 === null ? null : Math.min(MAX_THRESHOLD_SECONDS, Math.ceil((factor * p99) / 1000));
  }

  /** The largest adaptive threshold of the queue's job names: what the queue's card shows. */
  forQueue(queue: string, factor: number): number | null {
    if (factor <= 0) return null;
    let best: number | null = null;
    const prefix = `${queue}\u0000`;
    for (const key of this.samples.keys()) {
      if (!key.startsWith(prefix)) continue;
      const value = this.forJob(queue, key.slice(prefix.length), factor);
      if (value !== null && (best === null || value > best)) best = value;
    }
    return best;
  }

  private p99(key: string): number | null {
    if (this.p99Cache.has(key)) return this.p99Cache.get(key)!;
    const list = this.samples.get(key);
    let value: number | null = null;
    if (list && list.length >= MIN_SAMPLES) {
      const sorted = [...list].sort((a, b) => a - b);
      value = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]!;
    }
    this.p99Cache.set(key, value);
    return value;
  }
}

/** Effective threshold: the configured one, raised (never lowered) by the adaptive one. */
export function effectiveThreshold(configured: number, adaptive: number | null): number {
  return adaptive === null ? configured : Math.max(configured, adaptive);
}

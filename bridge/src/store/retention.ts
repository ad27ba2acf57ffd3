import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from '../logger.ts';
import type { Store } from './store.ts';

const DAY = 24 * 3600_000;
const MINUTE_BUCKETS_MS = 2 * DAY;
const MIN_DAY_BUCKETS_MS = 366 * DAY;
const BATCH = 500;
const EVERY_MS = 10 * 60_000;

/**
 * Deletes what is past its keep: history rows and hour buckets after the retention period, minute buckets
 * after 48 h, day buckets after a year (or the retention period, if longer). Small batches with the event
 * loop free between them, so no write waits behind a long delete.
 */
export class Retention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly retentionDays: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const loop = () => {
      this.running = this.prune()
        .then(() => {})
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, EVERY_MS);
        });
    };
    this.timer = setTimeout(loop, 5_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One full pass; resolves when nothing old is left. */
  async prune(now = Date.now()): Promise<number> {
    const retention = this.retentionDays * DAY;
    const steps: (() => number)[] = [
      () => this.store.history.prune(now - retention, BATCH),
      () => this.store.stats.prune('stats_minute', now - MINUTE_BUCKETS_MS, BATCH),
      () => this.store.stats.prune('stats_hour', now - retention, BATCH),
      () => this.store.stats.prune('stats_day', now - Math.max(retention, MIN_DAY_BUCKETS_MS), BATCH),
    ];
    let total = 0;
    try {
      for (const step of steps) {
        for (;;) {
          if (this.stopped || !this.store.db.open) return total;
          const removed = step();
          total += removed;
          if (removed < BATCH) break;
          await yieldToLoop();
        }
      }
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'pruning the history store failed; trying again later');
    }
    return total;
  }
}

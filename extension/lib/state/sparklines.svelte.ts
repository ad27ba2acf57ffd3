/**
 * Data of the Jobs-page cards' sparklines: one background message (one /api/stats request) a minute
 * for every card together, only while the tab is visible. A bridge without stats just shows none.
 */
import type { Sparklines } from '../messaging.ts';
import type { Send } from './jobs-page.svelte.ts';

/** The buckets are minutes: asking more often would bring nothing new. */
export const SPARKLINE_REFRESH_MS = 60_000;
const CHECK_MS = 5_000;

export class SparklineState {
  data = $state.raw<Sparklines | null>(null);
  #send: Send;
  #instanceId: () => string | null;
  #lastAttempt = 0;
  #loading = false;

  constructor(send: Send, instanceId: () => string | null) {
    this.#send = send;
    this.#instanceId = instanceId;
  }

  of(queue: string): Sparklines['queues'][string] | undefined {
    return this.data?.queues[queue];
  }

  /** Fetches when due (or forced); a failure keeps the last data and waits for the next minute. */
  async refresh(force = false, now = Date.now()): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId || this.#loading || (!force && now - this.#lastAttempt < SPARKLINE_REFRESH_MS)) return;
    this.#loading = true;
    this.#lastAttempt = now;
    try {
      const result = await this.#send('getSparklines', { instanceId });
      if (result.ok) this.data = result.data;
    } catch {
      // No background (reloaded extension): the cards keep their last sparkline.
    } finally {
      this.#loading = false;
    }
  }

  /** Checks every few seconds whether a refresh is due, until `signal` aborts. */
  start(signal: AbortSignal): void {
    const check = () => {
      if (document.visibilityState === 'visible') void this.refresh();
    };
    check();
    const timer = setInterval(check, CHECK_MS);
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }
}

/** The charts view: one /api/stats answer of the chosen range for the selected instance. */
import type { StatsRange, StatsResponse } from '@immich-admin-tools/shared';
import type { BridgeError } from '../messaging.ts';
import { ask, type Send } from './insights.svelte.ts';

export class ChartsState {
  range = $state<StatsRange>('24h');
  /** '' = every queue together. */
  queue = $state('');
  stats = $state.raw<StatsResponse | null>(null);
  loading = $state(false);
  error = $state.raw<BridgeError | null>(null);
  #send: Send;
  #instanceId: () => string | null;
  #generation = 0;

  constructor(send: Send, instanceId: () => string | null) {
    this.#send = send;
    this.#instanceId = instanceId;
  }

  /** Queues that appear in the answer, for the queue choice. */
  get queues(): string[] {
    return (this.stats?.series ?? []).map((series) => series.queue).sort();
  }

  async load(range: StatsRange = this.range): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId) return;
    const generation = ++this.#generation;
    this.range = range;
    this.loading = true;
    this.error = null;
    const result = await ask(() => this.#send('getStats', { instanceId, range }));
    if (generation !== this.#generation) return;
    this.loading = false;
    this.stats = result.ok ? result.data : null;
    this.error = result.ok ? null : result.error;
  }
}

/** The problem-assets view: assets whose jobs got stuck or failed, paged, with quarantine and release. */
import type { ProblemAsset, ProblemAssetSort } from '@immich-admin-tools/shared';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { BridgeError } from '../messaging.ts';
import { ask, type Send } from './insights.svelte.ts';

export const PROBLEM_PAGE_SIZE = 50;

export class ProblemAssetsState {
  sort = $state<ProblemAssetSort>('lastSeen');
  items = $state.raw<ProblemAsset[]>([]);
  nextBefore = $state<string | null>(null);
  loading = $state(false);
  loadingMore = $state(false);
  error = $state.raw<BridgeError | null>(null);
  /** Per asset: the last quarantine/release failure. */
  readonly actionErrors = new SvelteMap<string, BridgeError>();
  readonly busy = new SvelteSet<string>();
  #send: Send;
  #instanceId: () => string | null;
  #generation = 0;

  constructor(send: Send, instanceId: () => string | null) {
    this.#send = send;
    this.#instanceId = instanceId;
  }

  async load(sort: ProblemAssetSort = this.sort): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId) return;
    const generation = ++this.#generation;
    this.sort = sort;
    this.loading = true;
    this.error = null;
    const result = await ask(() => this.#send('getProblemAssets', { instanceId, sort, limit: PROBLEM_PAGE_SIZE }));
    if (generation !== this.#generation) return;
    this.loading = false;
    this.items = result.ok ? result.data.items : [];
    this.nextBefore = result.ok ? result.data.nextBefore : null;
    this.error = result.ok ? null : result.error;
  }

  async loadMore(): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId || this.nextBefore === null || this.loadingMore) return;
    const generation = this.#generation;
    this.loadingMore = true;
    const result = await ask(() =>
      this.#send('getProblemAssets', {
        instanceId,
        sort: this.sort,
        limit: PROBLEM_PAGE_SIZE,
        before: this.nextBefore ?? undefined,
      }),
    );
    this.loadingMore = false;
    if (generation !== this.#generation) return;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.items = [...this.items, ...result.data.items];
    this.nextBefore = result.data.nextBefore;
  }

  /** Quarantines or releases one asset; the row shows the bridge's answer. */
  async setQuarantine(assetId: string, quarantined: boolean): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId || this.busy.has(assetId)) return;
    this.busy.add(assetId);
    this.actionErrors.delete(assetId);
    const result = await ask(() => this.#send('setQuarantine', { instanceId, assetId, quarantined }));
    this.busy.delete(assetId);
    if (!result.ok) {
      this.actionErrors.set(assetId, result.error);
      return;
    }
    this.items = this.items.map((item) =>
      item.assetId === assetId ? { ...item, quarantined: result.data.quarantined } : item,
    );
  }
}

/**
 * The insights page's root state: the configured instances with their latest snapshots and today's
 * totals (the overview), which instance and view are shown, and the URL that makes a view shareable.
 * Each view's own data lives in its insights-*.svelte.ts class; all calls go through the background.
 */
import type { StatsResponse } from '@immich-admin-tools/shared';
import { SvelteMap } from 'svelte/reactivity';
import { describeBridgeError, type ErrorText } from '../bridge-errors.ts';
import type { BridgeError, BridgeResult, Instance, InstanceSnapshot } from '../messaging.ts';
import type { Send } from './jobs-page.svelte.ts';

export type { Send };

export const INSIGHTS_VIEWS = ['overview', 'timeline', 'charts', 'problems', 'settings', 'inspect'] as const;
export type InsightsView = (typeof INSIGHTS_VIEWS)[number];

/** What a view shows when a call failed: the popup's words, and "update the bridge" for a bridge without the endpoint. */
export function insightsErrorText(error: BridgeError, endpoint: string): ErrorText & { detail: string } {
  if (error.kind === 'http' && error.status === 404 && error.code === 'NOT_FOUND') {
    return {
      label: 'Bridge too old',
      hint: `This bridge has no ${endpoint} yet: update the bridge to use this view.`,
      detail: error.message,
    };
  }
  return { ...describeBridgeError(error), detail: error.message };
}

/** The background did not answer at all. */
const backgroundFailure = (error: unknown): { ok: false; error: BridgeError } => ({
  ok: false,
  error: { kind: 'unreachable', message: `The extension's background did not answer (${String(error)}).` },
});

/** Runs a message and turns a thrown error (no background) into a BridgeResult. */
export async function ask<T>(call: () => Promise<BridgeResult<T>>): Promise<BridgeResult<T>> {
  try {
    return await call();
  } catch (error) {
    return backgroundFailure(error);
  }
}

/** One loaded piece of data: never blank, either loading, failed or there. */
export interface Loadable<T> {
  loading: boolean;
  data: T | null;
  error: BridgeError | null;
}

export interface OverviewRow {
  instance: Instance;
  snapshot: InstanceSnapshot | undefined;
  stats: Loadable<StatsResponse['totals']>;
}

export class InsightsState {
  instances = $state.raw<Instance[]>([]);
  loaded = $state(false);
  loadError = $state<string | null>(null);
  readonly snapshots = new SvelteMap<string, InstanceSnapshot>();
  readonly totals = new SvelteMap<string, Loadable<StatsResponse['totals']>>();
  instanceId = $state<string | null>(null);
  view = $state<InsightsView>('overview');
  #send: Send;

  constructor(send: Send, url: URL) {
    this.#send = send;
    const view = url.searchParams.get('view');
    if ((INSIGHTS_VIEWS as readonly string[]).includes(view ?? '')) this.view = view as InsightsView;
    this.instanceId = url.searchParams.get('instance');
  }

  readonly instance: Instance | null = $derived(
    this.instances.find((i) => i.id === this.instanceId) ?? this.instances[0] ?? null,
  );

  /** What the selected instance's token may do; unknown until its status arrived. */
  readonly access: 'full' | 'read' | 'unknown' = $derived.by(() => {
    const status = this.instance ? this.snapshots.get(this.instance.id)?.status : null;
    if (!status) return 'unknown';
    return status.access === 'read' ? 'read' : 'full';
  });

  /** No action buttons anywhere for a read-only token, nor before the token's access is known. */
  readonly readOnly: boolean = $derived(this.access !== 'full');

  readonly overview: OverviewRow[] = $derived(
    this.instances.map((instance) => ({
      instance,
      snapshot: this.snapshots.get(instance.id),
      stats: this.totals.get(instance.id) ?? { loading: true, data: null, error: null },
    })),
  );

  async load(): Promise<void> {
    try {
      const [instances, snapshots] = await Promise.all([
        this.#send('getInstances', undefined),
        this.#send('getSnapshots', undefined),
      ]);
      this.instances = instances;
      for (const snapshot of snapshots) this.snapshots.set(snapshot.instanceId, snapshot);
    } catch (error) {
      this.loadError = String(error);
    }
    this.loaded = true;
    await this.refreshOverview();
  }

  /** Polls every instance and reads today's totals; the instances answer independently. */
  async refreshOverview(): Promise<void> {
    await Promise.all(
      this.instances.map(async (instance) => {
        const previous = this.totals.get(instance.id);
        this.totals.set(instance.id, { loading: true, data: previous?.data ?? null, error: null });
        const [snapshot, stats] = await Promise.all([
          this.#send('refresh', { instanceId: instance.id }).catch(() => undefined),
          ask(() => this.#send('getStats', { instanceId: instance.id, range: '24h' })),
        ]);
        if (snapshot) this.snapshots.set(instance.id, snapshot);
        this.totals.set(instance.id, {
          loading: false,
          data: stats.ok ? stats.data.totals : null,
          error: stats.ok ? null : stats.error,
        });
      }),
    );
  }

  /** Thumbnails of the selected instance's assets, as data: URLs from the bridge (null while loading or when refused). */
  readonly thumbnails = new SvelteMap<string, string | null>();

  async loadThumbnail(assetId: string): Promise<void> {
    const instanceId = this.instance?.id;
    const key = `${instanceId}/${assetId}`;
    if (!instanceId || this.thumbnails.has(key)) return;
    this.thumbnails.set(key, null);
    const result = await ask(() => this.#send('getThumbnail', { instanceId, assetId }));
    if (result.ok) this.thumbnails.set(key, result.data);
  }

  thumbnail(assetId: string): string | null {
    return this.thumbnails.get(`${this.instance?.id}/${assetId}`) ?? null;
  }

  select(instanceId: string): void {
    this.instanceId = instanceId;
  }

  show(view: InsightsView): void {
    this.view = view;
  }
}

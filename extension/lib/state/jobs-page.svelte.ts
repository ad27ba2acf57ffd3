/**
 * State of the jobs-page panels: the instance of this Immich, its latest snapshot (pushed by the
 * background), a one-second clock for live timers, queue details, thumbnails, and the actions.
 * Every call goes through the background's messages; nothing here touches the page.
 */
import type { ActiveJob, ClearMode, QueueDetail, QueueSummary } from '@immich-admin-tools/shared';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { describeError } from '../job-text.ts';
import type { BridgeError, BridgeResult, Instance, InstanceSnapshot, ProtocolMap } from '../messaging.ts';

export type Send = <K extends keyof ProtocolMap>(
  type: K,
  data: Parameters<ProtocolMap[K]>[0],
) => Promise<ReturnType<ProtocolMap[K]>>;

export type ConnectionKind = 'connecting' | 'ok' | 'stale' | 'error' | 'no_instance';
export interface Notice {
  kind: 'success' | 'danger' | 'info';
  text: string;
}
export interface DetailEntry {
  data: QueueDetail | null;
  error: BridgeError | null;
  /** Local time the data arrived, for live ages. */
  fetchedAt: number;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export class JobsPageState {
  instance = $state.raw<Instance | null>(null);
  /** Set once findInstanceByOrigin answered. */
  looked = $state(false);
  snapshot = $state.raw<InstanceSnapshot | null>(null);
  /** Ticks every second so timers advance between snapshots. */
  now = $state(Date.now());
  notice = $state.raw<Notice | null>(null);
  readonly busy = new SvelteSet<string>();
  readonly details = new SvelteMap<string, DetailEntry>();
  readonly thumbnails = new SvelteMap<string, string | null>();
  #send: Send;

  constructor(send: Send) {
    this.#send = send;
  }

  get queues(): QueueSummary[] {
    return this.snapshot?.queues ?? [];
  }

  queue(name: string): QueueSummary | undefined {
    return this.queues.find((queue) => queue.name === name);
  }

  get totalStuck(): number {
    return sum(this.queues.map((queue) => queue.stuckJobs.length));
  }

  get connection(): { kind: ConnectionKind; text: string } {
    if (this.looked && !this.instance) return { kind: 'no_instance', text: describeError({ kind: 'no_instance', message: '' }) };
    const snapshot = this.snapshot;
    if (!snapshot) return { kind: 'connecting', text: 'Connecting to the bridge…' };
    if (snapshot.error) return { kind: 'error', text: describeError(snapshot.error) };
    if (snapshot.status && !snapshot.status.connected) return { kind: 'error', text: "The bridge cannot reach Immich's Redis." };
    if (snapshot.status?.stale) return { kind: 'stale', text: 'The bridge has not read Redis lately; numbers may be old.' };
    return { kind: 'ok', text: `Bridge connected${snapshot.status?.immichVersion ? ` · Immich ${snapshot.status.immichVersion}` : ''}` };
  }

  /** Live age of a job from a snapshot or detail fetched at `fetchedAt` (local ms). */
  ageOf(job: Pick<ActiveJob, 'ageSeconds'>, fetchedAt: number | null | undefined = this.snapshot?.fetchedAt): number {
    return job.ageSeconds + Math.max(0, this.now - (fetchedAt ?? this.now)) / 1000;
  }

  setInstance(instance: Instance | null): void {
    this.instance = instance;
    this.looked = true;
  }

  applySnapshot(snapshot: InstanceSnapshot): void {
    if (snapshot.instanceId !== this.instance?.id) return;
    this.snapshot = snapshot;
  }

  tick(now = Date.now()): void {
    this.now = now;
  }

  async refresh(): Promise<void> {
    if (!this.instance) return;
    this.applySnapshot(await this.#send('refresh', { instanceId: this.instance.id }));
  }

  async loadDetail(queue: string): Promise<void> {
    if (!this.instance) return;
    const result = await this.#send('getQueueDetail', { instanceId: this.instance.id, queue, failedLimit: 50 });
    const previous = this.details.get(queue);
    this.details.set(queue, {
      data: result.ok ? result.data : (previous?.data ?? null),
      error: result.ok ? null : result.error,
      fetchedAt: result.ok ? Date.now() : (previous?.fetchedAt ?? Date.now()),
    });
  }

  async loadThumbnail(assetId: string): Promise<void> {
    if (!this.instance || this.thumbnails.has(assetId)) return;
    this.thumbnails.set(assetId, null);
    const result = await this.#send('getThumbnail', { instanceId: this.instance.id, assetId });
    if (result.ok) this.thumbnails.set(assetId, result.data);
  }

  clearStuck(queue: string, mode: ClearMode): Promise<void> {
    return this.#act(`clear-stuck:${queue}`, queue, (instanceId) => this.#send('clearStuck', { instanceId, queue, mode }), (data) => {
      const held = data.slotsStillHeld ? ` ${data.slotsStillHeld} worker slot(s) stay taken until Immich restarts.` : '';
      return `Cleared ${data.cleared} stuck job(s).${held}`;
    });
  }

  clearJob(queue: string, job: ActiveJob, mode: ClearMode, force = false): Promise<void> {
    const startedAt = job.processedOn ?? job.startedAt ?? undefined;
    return this.#act(
      `clear-job:${queue}:${job.jobId}`,
      queue,
      (instanceId) => this.#send('clearJob', { instanceId, queue, jobId: job.jobId, mode, startedAt, force }),
      (data) => `Job ${data.jobId} cleared.${data.slotStillHeld ? ' Its worker slot stays taken until Immich restarts.' : ''}`,
    );
  }

  clearAllStuck(mode: ClearMode): Promise<void> {
    return this.#act('clear-all', null, (instanceId) => this.#send('clearAllStuck', { instanceId, mode }), (data) =>
      `Cleared ${data.cleared} stuck job(s) in ${data.queues.length} queue(s).${data.slotsStillHeld ? ` ${data.slotsStillHeld} worker slot(s) stay taken until Immich restarts.` : ''}`,
    );
  }

  retryFailed(queue: string): Promise<void> {
    return this.#act(`retry-failed:${queue}`, queue, (instanceId) => this.#send('retryFailed', { instanceId, queue }), (data) =>
      `Queued ${data.count} failed job(s) again.`,
    );
  }

  openHistory(queue?: string): void {
    if (this.instance) void this.#send('openHistory', { instanceId: this.instance.id, queue });
  }

  /** Runs one action at a time per key, shows its outcome, then refreshes what it changed. */
  async #act<T>(
    key: string,
    queue: string | null,
    call: (instanceId: string) => Promise<BridgeResult<T>>,
    success: (data: T) => string,
  ): Promise<void> {
    if (!this.instance || this.busy.has(key)) return;
    this.busy.add(key);
    try {
      const result = await call(this.instance.id);
      this.notice = result.ok ? { kind: 'success', text: success(result.data) } : { kind: 'danger', text: describeError(result.error) };
      await this.refresh();
      if (queue && this.details.has(queue)) await this.loadDetail(queue);
    } catch (error) {
      this.notice = { kind: 'danger', text: `The extension could not reach its background (${String(error)}).` };
    } finally {
      this.busy.delete(key);
    }
  }
}

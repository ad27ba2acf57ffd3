/**
 * State of the jobs-page panels: the instance of this Immich, its latest snapshot (pushed by the
 * background, and applied so that a snapshot without news writes no reactive state), a one-second clock for live timers, queue details, thumbnails, and the actions.
 * Every call goes through the background's messages; nothing here touches the page.
 */
import {
  queueInfo,
  type ActiveJob,
  type AssetDetails,
  type ClearMode,
  type QueueCounts,
  type QueueDetail,
  type QueueSummary,
  type RestartStatus,
  type StatusResponse,
} from '@immich-admin-tools/shared';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { isReadOnly } from '../access.ts';
import type { DirectQueue, DirectSnapshot } from '../immich-direct/direct-view.ts';
import { describeError } from '../job-text.ts';
import type { BridgeError, BridgeResult, InstanceSnapshot, PageInstance, ProtocolMap } from '../messaging.ts';
import { SparklineState } from './sparklines.svelte.ts';

export type Send = <K extends keyof ProtocolMap>(
  type: K,
  data: Parameters<ProtocolMap[K]>[0],
) => Promise<ReturnType<ProtocolMap[K]>>;

/** `direct`: no bridge, or it does not answer; the numbers come from Immich's own API. */
export type ConnectionKind = 'connecting' | 'ok' | 'stale' | 'error' | 'no_instance' | 'direct';
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

/**
 * The bridge status the panels show; totals and `snapshotAt` change every poll and are left out, and so is
 * import mode, whose steps count what waits: every card reads health, the summary bar alone reads import mode.
 */
export interface Health {
  connected: boolean | null;
  stale: boolean;
  immichVersion: string | null;
  autoHeal: StatusResponse['autoHeal'] | null;
  /** Whether the bridge can restart immich_server (Docker control configured). */
  restart: RestartStatus | null;
  /** The instance holds the read-only token: the panels offer no actions. */
  readOnly: boolean;
  error: BridgeError | null;
}

/** A queue as last reported, with the local time its ages were measured. */
interface QueueView {
  summary: QueueSummary;
  fetchedAt: number;
}

/** Oldest first, ties by id: the bridge may list equal ages in any order, and rows must not jump. */
const byStart = (a: ActiveJob, b: ActiveJob) =>
  (a.processedOn ?? 0) - (b.processedOn ?? 0) || Number(a.jobId) - Number(b.jobId) || (a.jobId < b.jobId ? -1 : 1);
const inOrder = (jobs: ActiveJob[]) => jobs.every((job, i) => i === 0 || byStart(jobs[i - 1]!, job) <= 0);
/** The queue with its jobs in byStart order; itself when they already are (as the bridge usually lists them). */
const stableOrder = (queue: QueueSummary): QueueSummary =>
  inOrder(queue.activeJobs) && inOrder(queue.stuckJobs)
    ? queue
    : { ...queue, activeJobs: [...queue.activeJobs].sort(byStart), stuckJobs: [...queue.stuckJobs].sort(byStart) };

/**
 * Whether two reports of a queue show the same: every field the panels show, not what changes on every
 * poll without news (ages, which the clock advances, and lock TTLs, which are not shown). Field by field:
 * a key string built per queue took three times as long. A field the panels start showing must be added here.
 */
function sameQueue(a: QueueSummary, b: QueueSummary): boolean {
  if (
    a.title !== b.title ||
    a.isPaused !== b.isPaused ||
    a.workers !== b.workers ||
    a.rate !== b.rate ||
    a.avgDurationMs !== b.avgDurationMs ||
    a.etaSeconds !== b.etaSeconds ||
    a.thresholdSeconds !== b.thresholdSeconds ||
    !sameCounts(a.counts, b.counts) ||
    a.activeJobs.length !== b.activeJobs.length
  )
    return false;
  for (let i = 0; i < a.activeJobs.length; i++) if (!sameJob(a.activeJobs[i]!, b.activeJobs[i]!)) return false;
  return true;
}

function sameCounts(a: QueueCounts, b: QueueCounts): boolean {
  for (const key in a) if (a[key as keyof QueueCounts] !== b[key as keyof QueueCounts]) return false;
  return true;
}

function sameJob(a: ActiveJob, b: ActiveJob): boolean {
  return (
    a.jobId === b.jobId &&
    a.name === b.name &&
    a.state === b.state &&
    a.processedOn === b.processedOn &&
    a.attempts === b.attempts &&
    a.stalls === b.stalls &&
    a.assetId === b.assetId &&
    a.assetPath === b.assetPath &&
    a.assetFileName === b.assetFileName &&
    a.personId === b.personId &&
    a.otherId === b.otherId &&
    sameAsset(a.asset, b.asset)
  );
}

/** Absent until Immich answered for the asset: a job gains its details in a later snapshot. */
function sameAsset(a: AssetDetails | undefined, b: AssetDetails | undefined): boolean {
  return (
    a === b ||
    (a !== undefined &&
      b !== undefined &&
      a.fileSize === b.fileSize &&
      a.mimeType === b.mimeType &&
      a.format === b.format &&
      a.width === b.width &&
      a.height === b.height &&
      a.takenAt === b.takenAt &&
      a.ownerName === b.ownerName)
  );
}

/** The background did not answer at all (extension reloaded, worker crashed). */
const backgroundError = (error: unknown): BridgeError => ({
  kind: 'unreachable',
  message: `The extension's background did not answer (${String(error)}). Reload the page.`,
});

export class JobsPageState {
  instance = $state.raw<PageInstance | null>(null);
  /** Set once findInstanceByOrigin answered. */
  looked = $state(false);
  /** What the panels show of the bridge's status; replaced only when that changes. */
  health = $state.raw<Health | null>(null);
  /** Import mode and its steps; replaced only when that changes. */
  importMode = $state.raw<StatusResponse['importMode'] | null>(null);
  /** Ticks every second so timers advance between snapshots. */
  now = $state(Date.now());
  notice = $state.raw<Notice | null>(null);
  readonly busy = new SvelteSet<string>();
  readonly details = new SvelteMap<string, DetailEntry>();
  readonly thumbnails = new SvelteMap<string, string | null>();
  /** The cards' last-hour sparklines, one request a minute for all cards. */
  readonly sparklines: SparklineState;
  #send: Send;

  constructor(send: Send) {
    this.#send = send;
    this.sparklines = new SparklineState(send, () => this.instance?.id ?? null);
  }

  /**
   * Kept per queue and replaced only when something besides ages changed, so a 2 s snapshot that
   * brings no news re-renders nothing (the one-second clock moves the timers). A map, not a list: a card
   * reads its own queue's entry, so news in one queue wakes that card alone.
   */
  readonly #views = new SvelteMap<string, QueueView>();
  /** The queues in the bridge's order; replaced only when that changes. */
  #names = $state.raw<string[]>([]);
  readonly queues: QueueSummary[] = $derived(this.#names.map((name) => this.#views.get(name)!.summary));

  /**
   * Immich's own view while there is no bridge or it does not answer (null otherwise): the panels then show it
   * instead of the bridge's. Replaced only when something besides its fetch time changed.
   */
  direct = $state.raw<DirectSnapshot | null>(null);
  /** The JSON last seen of each part replaced only on change (health, import mode, direct); not reactive. */
  readonly #shown: Partial<Record<'health' | 'importMode' | 'direct', string>> = {};

  /** Whether `value` differs from the last one given for `part`; remembers it. */
  #changed(part: 'health' | 'importMode' | 'direct', value: unknown): boolean {
    const key = JSON.stringify(value);
    if (this.#shown[part] === key) return false;
    this.#shown[part] = key;
    return true;
  }

  directQueue(name: string): DirectQueue | undefined {
    return this.direct?.queues.find((queue) => queue.name === name);
  }

  queue(name: string): QueueSummary | undefined {
    return this.#views.get(name)?.summary;
  }

  /** Local time the ages of this queue's jobs were measured. */
  fetchedAtOf(name: string): number | undefined {
    return this.#views.get(name)?.fetchedAt;
  }

  get totalStuck(): number {
    return sum(this.queues.map((queue) => queue.stuckJobs.length));
  }

  /** Computed once per health change, not once per panel that shows it. */
  readonly connection: { kind: ConnectionKind; text: string } = $derived.by(() => {
    if (this.looked && !this.instance)
      return { kind: 'no_instance', text: describeError({ kind: 'no_instance', message: '' }) };
    const direct = this.direct;
    if (direct?.error) return { kind: 'error', text: describeError(direct.error) };
    if (direct) {
      const why = direct.reason === 'no_bridge' ? 'No bridge' : 'The bridge does not answer';
      return { kind: 'direct', text: `${why}: live counts from Immich’s own API` };
    }
    const health = this.health;
    if (!health) return { kind: 'connecting', text: 'Connecting to the bridge…' };
    if (health.error) return { kind: 'error', text: describeError(health.error) };
    if (health.connected === false) return { kind: 'error', text: "The bridge cannot reach Immich's Redis." };
    if (health.stale) return { kind: 'stale', text: 'The bridge has not read Redis lately; numbers may be old.' };
    const version = health.immichVersion ? ` · Immich ${health.immichVersion}` : '';
    return { kind: 'ok', text: `Bridge connected${version}` };
  });

  /**
   * Live age of a job reported with ages measured at `fetchedAt` (local ms; see fetchedAtOf). A job without a
   * start time (a dangling id) has no age to advance: it stays what the bridge says, as in the popup.
   */
  ageOf(job: Pick<ActiveJob, 'ageSeconds' | 'startedAt'>, fetchedAt: number | null | undefined): number {
    if (job.startedAt === null) return job.ageSeconds;
    return job.ageSeconds + Math.max(0, this.now - (fetchedAt ?? this.now)) / 1000;
  }

  setInstance(instance: PageInstance | null): void {
    this.instance = instance;
    this.looked = true;
  }

  applySnapshot(snapshot: InstanceSnapshot): void {
    if (snapshot.instanceId !== this.instance?.id) return;
    const { status, error } = snapshot;
    const health: Health = {
      connected: status?.connected ?? null,
      stale: status?.stale ?? false,
      immichVersion: status?.immichVersion ?? null,
      autoHeal: status?.autoHeal ?? null,
      restart: status?.restart ?? null,
      readOnly: isReadOnly(status),
      error,
    };
    if (this.#changed('health', health)) this.health = health;
    const importMode = status?.importMode ?? null;
    if (this.#changed('importMode', importMode)) this.importMode = importMode;
    const direct = snapshot.direct ?? null;
    if (this.#changed('direct', direct && { ...direct, fetchedAt: null })) this.direct = direct;
    const fetchedAt = snapshot.fetchedAt ?? Date.now();
    const names = snapshot.queues.map((queue) => queue.name);
    const namesChanged = names.length !== this.#names.length || names.some((name, i) => name !== this.#names[i]);
    if (namesChanged) for (const name of [...this.#views.keys()]) if (!names.includes(name)) this.#views.delete(name);
    for (const reported of snapshot.queues) {
      const summary = stableOrder(reported);
      const kept = this.#views.get(summary.name);
      if (!kept || !sameQueue(kept.summary, summary)) this.#views.set(summary.name, { summary, fetchedAt });
    }
    if (namesChanged) this.#names = names;
  }

  tick(now = Date.now()): void {
    this.now = now;
  }

  /** Asks the background to poll the bridge now. */
  async fetchSnapshot(): Promise<InstanceSnapshot | null> {
    return this.instance ? this.#send('refresh', { instanceId: this.instance.id }) : null;
  }

  async refresh(): Promise<void> {
    const snapshot = await this.fetchSnapshot();
    if (snapshot) this.applySnapshot(snapshot);
  }

  async loadDetail(queue: string): Promise<void> {
    if (!this.instance) return;
    const result = await this.#send('getQueueDetail', { instanceId: this.instance.id, queue, failedLimit: 50 }).catch(
      (error: unknown): BridgeResult<QueueDetail> => ({ ok: false, error: backgroundError(error) }),
    );
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
    const result = await this.#send('getThumbnail', { instanceId: this.instance.id, assetId }).catch(() => null);
    if (result?.ok) this.thumbnails.set(assetId, result.data);
  }

  clearStuck(queue: string, mode: ClearMode): Promise<void> {
    return this.#act(
      `clear-stuck:${queue}`,
      queue,
      (instanceId) => this.#send('clearStuck', { instanceId, queue, mode }),
      (data) => {
        const held = data.slotsStillHeld
          ? ` ${data.slotsStillHeld} worker slot(s) stay taken until Immich restarts.`
          : '';
        return `Cleared ${data.cleared} stuck job(s).${held}`;
      },
    );
  }

  clearJob(queue: string, job: ActiveJob, mode: ClearMode, force = false): Promise<void> {
    const startedAt = job.processedOn ?? job.startedAt ?? undefined;
    return this.#act(
      `clear-job:${queue}:${job.jobId}`,
      queue,
      (instanceId) => this.#send('clearJob', { instanceId, queue, jobId: job.jobId, mode, startedAt, force }),
      (data) =>
        `Job ${data.jobId} cleared.${data.slotStillHeld ? ' Its worker slot stays taken until Immich restarts.' : ''}`,
    );
  }

  clearAllStuck(mode: ClearMode): Promise<void> {
    return this.#act(
      'clear-all',
      null,
      (instanceId) => this.#send('clearAllStuck', { instanceId, mode }),
      (data) =>
        `Cleared ${data.cleared} stuck job(s) in ${data.queues.length} queue(s).${data.slotsStillHeld ? ` ${data.slotsStillHeld} worker slot(s) stay taken until Immich restarts.` : ''}`,
    );
  }

  retryFailed(queue: string): Promise<void> {
    return this.#act(
      `retry-failed:${queue}`,
      queue,
      (instanceId) => this.#send('retryFailed', { instanceId, queue }),
      (data) => `Queued ${data.count} failed job(s) again.`,
    );
  }

  /** Pauses or resumes a queue; without a bridge, through Immich's own API. */
  setPaused(queue: string, paused: boolean): Promise<void> {
    return this.#act(
      `pause:${queue}`,
      queue,
      (instanceId) => this.#send(paused ? 'pauseQueue' : 'resumeQueue', { instanceId, queue }),
      (data) => `${data.queue} ${data.isPaused ? 'paused' : 'resumed'}.`,
    );
  }

  clearFailed(queue: string): Promise<void> {
    return this.#act(
      `clear-failed:${queue}`,
      queue,
      (instanceId) => this.#send('clearFailed', { instanceId, queue }),
      (data) => `Cleared ${data.count} failed job(s).`,
    );
  }

  /** Switches auto-heal on or off (PUT /api/settings, persisted by the bridge). */
  setAutoHeal(enabled: boolean): Promise<void> {
    return this.#act(
      'auto-heal-switch',
      null,
      (instanceId) => this.#send('updateSettings', { instanceId, update: { autoHeal: { enabled } } }),
      () => (enabled ? 'Auto-heal is on.' : 'Auto-heal is off.'),
    );
  }

  setImportMode(enabled: boolean): Promise<void> {
    return this.#act(
      'import-mode-switch',
      null,
      (instanceId) => this.#send('setImportMode', { instanceId, update: { enabled } }),
      (data) =>
        !data.enabled
          ? 'Import mode is off.'
          : data.running
            ? `Import mode is on: ${queueInfo(data.running).title} runs first.`
            : 'Import mode is on: nothing waits.',
    );
  }

  runAutoHeal(): Promise<void> {
    return this.#act(
      'auto-heal-run',
      null,
      (instanceId) => this.#send('runAutoHeal', { instanceId }),
      (data) => {
        const done = data.actions.filter((a) => a.result === 'done' || a.result === 'dry_run').length;
        return data.autoHeal.breaker?.open
          ? 'Auto-heal is stopped: its breaker is open.'
          : `Auto-heal ran: ${done} action(s).`;
      },
    );
  }

  clearAllAndRestart(mode: ClearMode): Promise<void> {
    return this.#act(
      'clear-restart',
      null,
      (instanceId) => this.#send('clearAllAndRestart', { instanceId, mode }),
      (data) => `Cleared ${data.cleared?.cleared ?? 0} stuck job(s) and restarted ${data.container}.`,
    );
  }

  /** Quarantines a job's asset: its new jobs are removed before they run, until it is released. */
  quarantine(queue: string, assetId: string): Promise<void> {
    return this.#act(
      `quarantine:${assetId}`,
      queue,
      (instanceId) => this.#send('setQuarantine', { instanceId, assetId, quarantined: true }),
      () => 'Asset quarantined: its jobs are removed before they run, until it is released in Insights.',
    );
  }

  /** With a job id, opens the Inspect view on its raw hash. */
  openHistory(queue?: string, jobId?: string): void {
    if (this.instance) void this.#send('openHistory', { instanceId: this.instance.id, queue, jobId }).catch(() => {});
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
      this.notice = result.ok
        ? { kind: 'success', text: success(result.data) }
        : { kind: 'danger', text: describeError(result.error) };
      await this.refresh();
      if (queue && this.details.has(queue)) await this.loadDetail(queue);
    } catch (error) {
      this.notice = { kind: 'danger', text: backgroundError(error).message };
    } finally {
      this.busy.delete(key);
    }
  }
}

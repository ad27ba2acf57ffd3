import { QUEUES, queueInfo, type QueueCondition, type QueueSummary } from '@immich-admin-tools/shared';
import type { AssetCache } from '../assets/asset-cache.ts';
import { observeLock, type LockHistory } from '../classify/classifier.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { HistoryRecorder, TickQueue } from '../history/history-recorder.ts';
import type { Logger } from '../logger.ts';
import type { QueueRepository, RawActiveJob } from '../redis/queue.repository.ts';
import type { StreamCursor } from '../store/state.repository.ts';
import { AdaptiveThresholds, effectiveThreshold, MAX_THRESHOLD_SECONDS } from './adaptive-thresholds.ts';
import { queueConditions } from './conditions.ts';
import { toQueueSummary } from './queue-summary.ts';
import { RateTracker, type FinishedJob } from './rate-tracker.ts';

/** Threshold settings, read on every tick so a change through the API applies at once. */
export interface ThresholdPolicy {
  /** Configured seconds for a queue (settings, STUCK_THRESHOLDS or the catalogue). */
  configured(queue: string): number;
  /** ADAPTIVE_THRESHOLD_FACTOR; 0 = off. */
  adaptiveFactor(): number;
  /** STALL_MINUTES in ms. */
  stallMs(): number;
}

/** What the loop remembers across restarts, and where each tick goes to be recorded. */
export interface SnapshotMemory {
  recorder: HistoryRecorder;
  cursors: StreamCursor[];
  thresholds: ThresholdPolicy;
}

export interface Snapshot {
  /** Bridge clock when the tick finished (ms). */
  at: number;
  /** Redis server clock during the read (ms); job ages are measured against it. */
  redisNow: number;
  queues: QueueSummary[];
  bullmqVersion: string | null;
}

/**
 * Keys one discovery SCAN step looks at. The catalogue's queues are checked on every tick inside the
 * snapshot script; the SCAN only finds queues the catalogue does not name (and a full SCAN at start-up found
 * those already there), so it can be slow and must be cheap: over 100k keys a COUNT 100 step cost Redis
 * about a tenth of a tick. The repository runs a step every fifth read (10 s), with CLIENT LIST: a pass
 * over 100k keys takes about 3 hours, for queues that only a newer Immich adds.
 */
const DISCOVERY_SCAN_COUNT = 100;
const CATALOGUE = new Set(QUEUES.map((q) => q.name));
/** BullMQ renews locks every 15 s (half of its 30 s lock); allow that plus two ticks of slack. */
const RENEWAL_PERIOD_MS = 15_000;

type Listener = (snapshot: Snapshot) => void;
type FinishedListener = (job: FinishedJob) => void;
/** Jobs the events stream shows added in one tick, per queue (id and name; no data). */
export type AddedJobs = { queue: string; jobs: { jobId: string; name: string | null }[] }[];
type AddedListener = (added: AddedJobs) => void;

/** The catalogue's thresholds, STUCK_THRESHOLDS over them: the policy when no settings store is wired. */
export const staticThresholds = (config: Pick<Config, 'stuckThresholds'>): ThresholdPolicy => ({
  configured: (queue) => config.stuckThresholds[queue] ?? queueInfo(queue).thresholdSeconds,
  adaptiveFactor: () => 0,
  stallMs: () => 5 * 60_000,
});

/** The snapshot loop: every tick reads all queues in one round trip and keeps the latest picture. */
export class SnapshotService {
  private latest: Snapshot | null = null;
  private connected = false;
  /** Queues the SCAN found that the catalogue does not name; dropped once their meta hash is gone. */
  private uncatalogued = new Set<string>();
  /** The discovery SCAN's cursor, carried from tick to tick; null until the full scan at start-up. */
  private scanCursor: string | null = null;
  private readonly locks = new Map<string, LockHistory>();
  private readonly rates: RateTracker;
  private readonly adaptive = new AdaptiveThresholds();
  private readonly thresholds: ThresholdPolicy;
  /** Per queue: last job start or finish, and last worker connection seen (bridge clock). */
  private readonly lastActivity = new Map<string, number>();
  private readonly lastWorker = new Map<string, number>();
  private readonly listeners = new Set<Listener>();
  private readonly finishedListeners = new Set<FinishedListener>();
  private readonly addedListeners = new Set<AddedListener>();
  private lastReadMs = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The read in progress, and the one queued after it that every caller arriving meanwhile shares. */
  private reading: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private failing = false;

  constructor(
    private readonly repository: QueueRepository,
    private readonly assets: AssetCache,
    private readonly config: Pick<Config, 'pollIntervalMs' | 'stuckThresholds' | 'excludedQueues'>,
    private readonly logger: Logger,
    private readonly memory: SnapshotMemory | null = null,
  ) {
    this.rates = new RateTracker(memory?.cursors ?? []);
    this.thresholds = memory?.thresholds ?? staticThresholds(config);
  }

  get snapshot(): Snapshot | null {
    return this.latest;
  }

  /** False while Redis does not answer; the last snapshot is then served as stale. */
  get isConnected(): boolean {
    return this.connected;
  }

  onSnapshot(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    const loop = async () => {
      await this.tick();
      if (this.timer !== null) this.timer = setTimeout(loop, this.config.pollIntervalMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.queued;
    await this.reading;
  }

  /** The configured threshold of a queue (before adaptive raising). */
  thresholdFor(queue: string): number {
    return this.thresholds.configured(queue);
  }

  /** Each job the events stream shows finishing, once, after its tick was recorded. */
  onFinished(listener: FinishedListener): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  /** The jobs each tick saw added (the stream's `added` events), after the tick was recorded. */
  onAdded(listener: AddedListener): () => void {
    this.addedListeners.add(listener);
    return () => this.addedListeners.delete(listener);
  }

  /** When a queue's condition began (bridge clock), as recorded in history. */
  conditionSince(queue: string, condition: QueueCondition): number | null {
    return this.memory?.recorder.conditionSince(queue, condition) ?? null;
  }

  /** How long the last successful tick's Redis read took (ms). */
  get lastReadDurationMs(): number {
    return this.lastReadMs;
  }

  /**
   * A fresh read; never throws. Also used after an action so the caller sees its effect at once. Reads
   * never overlap (they share the events cursor and lock history): a call while one runs joins the read
   * queued after it, shared by every caller arriving meanwhile, so actions waiting together cost one
   * read and each waits for the one read that starts after its write, never for a line of them.
   */
  tick(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.reading) return this.startRead();
    this.queued = this.reading.then(() => {
      this.queued = null;
      return this.startRead();
    });
    return this.queued;
  }

  private startRead(): Promise<void> {
    const reading: Promise<void> = this.read().finally(() => {
      if (this.reading === reading) this.reading = null;
    });
    this.reading = reading;
    return reading;
  }

  /** The catalogue's queues (the script skips those Redis does not hold) and the uncatalogued ones found. */
  private watched(): string[] {
    return [...new Set([...CATALOGUE, ...this.uncatalogued])]
      .filter((name) => !this.config.excludedQueues.has(name))
      .sort();
  }

  private async read(): Promise<void> {
    try {
      if (this.scanCursor === null) {
        for (const name of await this.repository.discoverQueues())
          if (!CATALOGUE.has(name)) this.uncatalogued.add(name);
        this.scanCursor = '0';
      }
      const started = performance.now();
      const raw = await this.repository.readSnapshot(
        this.watched().map((name) => ({ name, lastEventId: this.rates.cursor(name) })),
        { cursor: this.scanCursor, count: DISCOVERY_SCAN_COUNT },
      );
      const present = new Set(raw.queues.map((q) => q.name));
      for (const name of this.uncatalogued) if (!present.has(name)) this.uncatalogued.delete(name);
      if (raw.scan) {
        this.scanCursor = raw.scan.cursor;
        for (const name of raw.scan.queues) if (!CATALOGUE.has(name)) this.uncatalogued.add(name);
      }
      this.lastReadMs = performance.now() - started;
      if (this.failing) this.memory?.recorder.connection('redis_back');
      this.latest = this.build(raw);
      this.connected = true;
      this.failing = false;
      for (const listener of this.listeners) listener(this.latest);
    } catch (error) {
      if (!this.failing) this.memory?.recorder.connection('redis_lost', String(error));
      this.connected = false;
      // A Redis that starts over gets a fresh discovery pass.
      if (this.scanCursor !== null) this.scanCursor = '0';
      // Redis outages are logged once by the connection (RedisLink); anything else once until a tick succeeds.
      const outage = error instanceof AppError && error.code === 'REDIS_UNAVAILABLE';
      if (!outage && !this.failing)
        this.logger.error({ err: String(error) }, 'snapshot tick failed; serving the last one as stale');
      this.failing = true;
    }
  }

  private build(raw: Awaited<ReturnType<QueueRepository['readSnapshot']>>): Snapshot {
    const now = raw.redisNow;
    const at = Date.now();
    const seen = new Set<string>();
    const lockHistory = (queue: string) => (job: RawActiveJob) => {
      const key = `${queue}\u0000${job.jobId}\u0000${job.processedOn}`;
      seen.add(key);
      const next = observeLock(this.locks.get(key), job.lockTtlMs, now);
      this.locks.set(key, next);
      return next;
    };
    const factor = this.thresholds.adaptiveFactor();
    const ticked: TickQueue[] = [];
    const finished: FinishedJob[] = [];
    const queues = raw.queues.map((state) => {
      const ingest = this.rates.ingest(state, now);
      for (const job of ingest.finished) {
        if (job.event === 'completed' && job.durationMs !== null)
          this.adaptive.add(state.name, job.jobName, job.durationMs);
      }
      finished.push(...ingest.finished);
      const workers = raw.workers.get(state.name) ?? 0;
      if (ingest.lastActivityAt !== null || !this.lastActivity.has(state.name)) {
        this.lastActivity.set(state.name, ingest.lastActivityAt === null ? at : ingest.lastActivityAt + (at - now));
      }
      if (workers > 0 || !this.lastWorker.has(state.name)) this.lastWorker.set(state.name, at);

      const configured = this.thresholds.configured(state.name);
      const adaptive = this.adaptive.forQueue(state.name, factor);
      const summary = toQueueSummary(state, {
        now,
        thresholdSeconds: cap(effectiveThreshold(configured, adaptive), configured),
        jobThresholdSeconds: (name) =>
          cap(effectiveThreshold(configured, this.adaptive.forJob(state.name, name, factor)), configured),
        configuredThresholdSeconds: configured,
        adaptiveThresholdSeconds: adaptive,
        conditions: [],
        workers,
        rate: this.rates.stats(state.name, now),
        lockHistory: lockHistory(state.name),
        deadLockAfterMs: RENEWAL_PERIOD_MS + 2 * this.config.pollIntervalMs,
        assets: this.assets,
      });
      summary.conditions = queueConditions({
        now: at,
        isPaused: summary.isPaused,
        counts: summary.counts,
        workers,
        active: summary.activeJobs.length,
        stuck: summary.stuckJobs.length,
        lastActivityAt: this.lastActivity.get(state.name)!,
        lastWorkerAt: this.lastWorker.get(state.name)!,
        stallMs: this.thresholds.stallMs(),
        workersKnown: raw.workersKnown,
      });
      ticked.push({ summary, ingest, cursor: this.rates.cursorState(state.name) });
      return summary;
    });
    this.rates.markRead(now);
    for (const key of this.locks.keys()) if (!seen.has(key)) this.locks.delete(key);
    // Recorded before anyone hears of the tick: a row is on disk before it is shown or alerted.
    this.memory?.recorder.commitTick({ now: at, offsetMs: at - now, queues: ticked });
    for (const job of finished) for (const listener of this.finishedListeners) listener(job);
    if (this.addedListeners.size > 0) {
      const added: AddedJobs = raw.queues
        .map((state) => ({
          queue: state.name,
          jobs: state.events.flatMap((e) => (e.event === 'added' && e.jobId ? [{ jobId: e.jobId, name: e.name }] : [])),
        }))
        .filter((q) => q.jobs.length > 0);
      if (added.length > 0) for (const listener of this.addedListeners) listener(added);
    }
    const bullmqVersion = raw.queues.find((q) => q.version)?.version?.replace(/^bullmq:/, '') ?? null;
    return { at, redisNow: now, queues, bullmqVersion };
  }
}

/** Adaptive raising stops at 24 h; a configured threshold above that stays as set. */
const cap = (seconds: number, configured: number) => Math.max(configured, Math.min(seconds, MAX_THRESHOLD_SECONDS));

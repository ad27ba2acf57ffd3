import { queueInfo, type QueueSummary } from '@immich-admin-tools/shared';
import type { AssetCache } from '../assets/asset-cache.ts';
import { observeLock, type LockHistory } from '../classify/classifier.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { QueueRepository, RawActiveJob } from '../redis/queue.repository.ts';
import { toQueueSummary } from './queue-summary.ts';
import { RateTracker } from './rate-tracker.ts';

export interface Snapshot {
  /** Bridge clock when the tick finished (ms). */
  at: number;
  /** Redis server clock during the read (ms); job ages are measured against it. */
  redisNow: number;
  queues: QueueSummary[];
  bullmqVersion: string | null;
}

const DISCOVERY_INTERVAL_MS = 60_000;
/** BullMQ renews locks every 15 s (half of its 30 s lock); allow that plus two ticks of slack. */
const RENEWAL_PERIOD_MS = 15_000;

type Listener = (snapshot: Snapshot) => void;

/** The snapshot loop: every tick reads all queues in one round trip and keeps the latest picture. */
export class SnapshotService {
  private latest: Snapshot | null = null;
  private connected = false;
  private queues: string[] = [];
  private discoveredAt = 0;
  private readonly locks = new Map<string, LockHistory>();
  private readonly rates = new RateTracker();
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | null = null;
  /** Ticks run one after another: the loop's and those after actions share the events cursor and lock history. */
  private last: Promise<void> = Promise.resolve();
  private failures = 0;

  constructor(
    private readonly repository: QueueRepository,
    private readonly assets: AssetCache,
    private readonly config: Pick<Config, 'pollIntervalMs' | 'stuckThresholds' | 'excludedQueues'>,
    private readonly logger: Logger,
  ) {}

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
    await this.last;
  }

  thresholdFor(queue: string): number {
    return this.config.stuckThresholds[queue] ?? queueInfo(queue).thresholdSeconds;
  }

  /** One tick, after any running one; never throws. Also used after an action so the caller sees its effect at once. */
  tick(): Promise<void> {
    this.last = this.last.then(() => this.read());
    return this.last;
  }

  private async read(): Promise<void> {
    try {
      if (this.queues.length === 0 || Date.now() - this.discoveredAt > DISCOVERY_INTERVAL_MS) {
        const found = await this.repository.discoverQueues();
        this.queues = found.filter((name) => !this.config.excludedQueues.has(name));
        this.discoveredAt = Date.now();
      }
      const raw = await this.repository.readSnapshot(
        this.queues.map((name) => ({ name, lastEventId: this.rates.cursor(name) })),
      );
      this.latest = this.build(raw);
      if (!this.connected && this.failures > 0) this.logger.info('Redis is back');
      this.connected = true;
      this.failures = 0;
      for (const listener of this.listeners) listener(this.latest);
    } catch (error) {
      this.connected = false;
      // Log the first failure and then every 30th, so a long outage does not flood the log.
      if (this.failures++ % 30 === 0)
        this.logger.warn({ err: String(error) }, 'snapshot tick failed; serving the last one as stale');
    }
  }

  private build(raw: Awaited<ReturnType<QueueRepository['readSnapshot']>>): Snapshot {
    const now = raw.redisNow;
    const seen = new Set<string>();
    const lockHistory = (queue: string) => (job: RawActiveJob) => {
      const key = `${queue}\u0000${job.jobId}\u0000${job.processedOn}`;
      seen.add(key);
      const next = observeLock(this.locks.get(key), job.lockTtlMs, now);
      this.locks.set(key, next);
      return next;
    };
    const queues = raw.queues.map((state) => {
      this.rates.ingest(state, now);
      return toQueueSummary(state, {
        now,
        thresholdSeconds: this.thresholdFor(state.name),
        configuredThresholdSeconds: this.thresholdFor(state.name),
        adaptiveThresholdSeconds: null,
        conditions: [],
        workers: raw.workers.get(state.name) ?? 0,
        rate: this.rates.stats(state.name, now),
        lockHistory: lockHistory(state.name),
        deadLockAfterMs: RENEWAL_PERIOD_MS + 2 * this.config.pollIntervalMs,
        assets: this.assets,
      });
    });
    for (const key of this.locks.keys()) if (!seen.has(key)) this.locks.delete(key);
    const bullmqVersion = raw.queues.find((q) => q.version)?.version?.replace(/^bullmq:/, '') ?? null;
    return { at: Date.now(), redisNow: now, queues, bullmqVersion };
  }
}

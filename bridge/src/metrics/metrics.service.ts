import {
  QUEUE_CONDITIONS,
  type HistoryEventName,
  type HistoryItem,
  type QueueCounts,
  type StuckState,
} from '@immich-admin-tools/shared';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import pkg from '../../package.json' with { type: 'json' };
import type { ImmichStatus } from '../immich/immich-status.ts';
import type { FinishedJob } from '../snapshot/rate-tracker.ts';
import type { SnapshotService } from '../snapshot/snapshot.service.ts';

const COUNT_STATES: (keyof QueueCounts)[] = ['waiting', 'paused', 'active', 'delayed', 'prioritized', 'failed'];
const STUCK_STATES: StuckState[] = ['hung', 'orphaned', 'dangling'];
/** History rows that are actions someone (or auto-heal) took; a restart Immich did on its own is no action. */
const ACTION_EVENTS = new Set<HistoryEventName>([
  'stuck_job_cleared',
  'failed_retried',
  'failed_cleared',
  'queue_paused',
  'queue_resumed',
  'asset_quarantined',
  'asset_released',
  'asset_job_removed',
  'immich_restarted',
]);
/** Immich jobs take from milliseconds (thumbnails) to an hour (video, backups). */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
/** A tick is one or two Redis round trips: sub-millisecond to a few ms, seconds when Redis struggles. */
const TICK_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/**
 * Prometheus metrics of one bridge, in a registry of its own (tests run several bridges in one process).
 * Gauges are filled from the last snapshot when scraped; counters and histograms from the events
 * stream and history as they happen.
 */
export class MetricsService {
  readonly registry = new Registry();
  private readonly completed: Counter<'queue'>;
  private readonly failed: Counter<'queue'>;
  private readonly durations: Histogram<'queue'>;
  private readonly actions: Counter<'action' | 'mode' | 'actor'>;
  private readonly tickDurations: Histogram;
  private readonly lostSeen = new Map<string, number>();

  /** A scrape reads only the last snapshot and Immich's last known version: no Redis call. */
  constructor(
    snapshots: Pick<SnapshotService, 'snapshot' | 'isConnected'>,
    immichStatus: Pick<ImmichStatus, 'version'>,
  ) {
    const registers = [this.registry];
    const queues = () => snapshots.snapshot?.queues ?? [];
    collectDefaultMetrics({ register: this.registry });

    new Gauge({
      name: 'immich_admin_queue_jobs',
      help: 'Jobs in each BullMQ state of an Immich queue, from the last snapshot.',
      labelNames: ['queue', 'state'],
      registers,
      collect() {
        this.reset();
        for (const q of queues()) for (const state of COUNT_STATES) this.set({ queue: q.name, state }, q.counts[state]);
      },
    });
    new Gauge({
      name: 'immich_admin_stuck_jobs',
      help: 'Active jobs past their threshold that are hung (live worker), orphaned (worker gone) or dangling (no job hash).',
      labelNames: ['queue', 'state'],
      registers,
      collect() {
        this.reset();
        for (const q of queues()) {
          for (const state of STUCK_STATES) {
            this.set({ queue: q.name, state }, q.stuckJobs.filter((j) => j.state === state).length);
          }
        }
      },
    });
    new Gauge({
      name: 'immich_admin_oldest_active_seconds',
      help: 'Run time of the oldest active job of a queue (0 when none is active).',
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const q of queues()) this.set({ queue: q.name }, q.oldestActiveSeconds ?? 0);
      },
    });
    new Gauge({
      name: 'immich_admin_queue_paused',
      help: '1 when the queue is paused.',
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const q of queues()) this.set({ queue: q.name }, q.isPaused ? 1 : 0);
      },
    });
    new Gauge({
      name: 'immich_admin_queue_workers',
      help: 'BullMQ worker connections for the queue (CLIENT LIST).',
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const q of queues()) this.set({ queue: q.name }, q.workers);
      },
    });
    new Gauge({
      name: 'immich_admin_queue_condition',
      help: '1 while the queue has the condition (stalled, no_workers, slots_full_of_stuck).',
      labelNames: ['queue', 'condition'],
      registers,
      collect() {
        this.reset();
        for (const q of queues()) {
          for (const condition of QUEUE_CONDITIONS)
            this.set({ queue: q.name, condition }, q.conditions.includes(condition) ? 1 : 0);
        }
      },
    });

    // Counters start at 0 for every queue seen, so rate() and increase() work from the first scrape.
    const zeroFill = (counter: Counter<'queue'>) => {
      for (const q of queues()) counter.inc({ queue: q.name }, 0);
    };
    this.completed = new Counter({
      name: 'immich_admin_jobs_completed_total',
      help: 'Jobs completed, read from the queue events stream since the bridge started.',
      labelNames: ['queue'],
      registers,
      collect() {
        zeroFill(this);
      },
    });
    this.failed = new Counter({
      name: 'immich_admin_jobs_failed_total',
      help: 'Jobs failed, read from the queue events stream since the bridge started.',
      labelNames: ['queue'],
      registers,
      collect() {
        zeroFill(this);
      },
    });
    this.durations = new Histogram({
      name: 'immich_admin_job_duration_seconds',
      help: 'Run time of finished jobs (active to completed or failed in the events stream).',
      labelNames: ['queue'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.actions = new Counter({
      name: 'immich_admin_actions_total',
      help: 'Actions taken on queues and jobs (history rows), by action, clear mode and who took it.',
      labelNames: ['action', 'mode', 'actor'],
      registers,
    });
    const lostSeen = this.lostSeen;
    new Counter({
      name: 'immich_admin_events_lost_total',
      help: 'Queue events trimmed from the stream before the bridge read them: counts and durations miss these.',
      labelNames: ['queue'],
      registers,
      collect() {
        for (const q of queues()) {
          // The snapshot carries a running total; a queue tracked afresh starts again at 0.
          const delta = Math.max(0, q.lostEvents - (lostSeen.get(q.name) ?? 0));
          lostSeen.set(q.name, q.lostEvents);
          this.inc({ queue: q.name }, delta);
        }
      },
    });
    this.tickDurations = new Histogram({
      name: 'immich_admin_snapshot_duration_seconds',
      help: 'Time each snapshot tick took to read every queue from Redis (one round trip).',
      buckets: TICK_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'immich_admin_redis_up',
      help: '1 when Redis answered the last snapshot tick.',
      registers,
      collect() {
        this.set(snapshots.isConnected ? 1 : 0);
      },
    });
    new Gauge({
      name: 'immich_admin_build_info',
      help: 'Always 1; the labels say which bridge, Immich and BullMQ versions run.',
      labelNames: ['version', 'immich_version', 'bullmq_version'],
      registers,
      collect() {
        this.reset();
        this.set(
          {
            version: pkg.version,
            immich_version: immichStatus.version ?? 'unknown',
            bullmq_version: snapshots.snapshot?.bullmqVersion ?? 'unknown',
          },
          1,
        );
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Each snapshot tick, with how long its Redis read took. */
  tick(durationMs: number): void {
    this.tickDurations.observe(durationMs / 1000);
  }

  /** A job that completed or failed, from the events stream. */
  finished(job: FinishedJob): void {
    (job.event === 'completed' ? this.completed : this.failed).inc({ queue: job.queue });
    if (job.durationMs !== null) this.durations.observe({ queue: job.queue }, job.durationMs / 1000);
  }

  /** A history row: counts the ones that are actions. */
  historyRow(item: HistoryItem): void {
    if (!ACTION_EVENTS.has(item.event) || (item.event === 'immich_restarted' && item.actor === 'immich')) return;
    this.actions.inc({ action: item.event, mode: item.mode ?? 'none', actor: item.actor });
  }
}

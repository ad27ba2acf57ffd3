import {
  QUEUE_CONDITIONS,
  type ActiveJob,
  type HistoryActor,
  type HistoryEventName,
  type QueueCondition,
  type QueueSummary,
  type StuckState,
} from '@immich-admin-tools/shared';
import type { AssetCache } from '../assets/asset-cache.ts';
import type { FinishedJob, IngestResult } from '../snapshot/rate-tracker.ts';
import { jobIds } from '../snapshot/queue-summary.ts';
import type { HistoryService, NewHistoryRow } from '../store/history.service.ts';
import type { BucketDelta } from '../store/stats.repository.ts';
import type { OpenStuck, StreamCursor } from '../store/state.repository.ts';
import type { Store } from '../store/store.ts';

export interface TickQueue {
  summary: QueueSummary;
  ingest: IngestResult;
  cursor: StreamCursor | null;
}

export interface Tick {
  /** Bridge clock at the read (ms). */
  now: number;
  /** Bridge clock minus Redis clock: stream times are Redis times. */
  offsetMs: number;
  queues: TickQueue[];
}

const CONDITION_EVENTS: Record<QueueCondition, { begin: HistoryEventName; end: HistoryEventName }> = {
  stalled: { begin: 'queue_stalled', end: 'queue_recovered' },
  no_workers: { begin: 'no_workers', end: 'workers_back' },
  slots_full_of_stuck: { begin: 'slots_full_of_stuck', end: 'slots_freed' },
};
const MINUTE = 60_000;
/** How long a pause or resume done through the bridge explains a change the snapshot sees. */
const EXPECT_PAUSE_MS = 60_000;

const runKey = (queue: string, jobId: string, processedOn: number) => `${queue}\u0000${jobId}\u0000${processedOn}`;

/**
 * Turns each snapshot tick into history rows and statistics, written in one transaction with the stream
 * cursors that produced them: a bridge killed mid-tick loses the whole tick or none of it, and a restart
 * reads on from the stored cursor, so nothing is counted twice.
 */
export class HistoryRecorder {
  private readonly openRuns = new Map<string, OpenStuck>();
  private readonly openConditions = new Map<string, number>();
  private readonly paused = new Map<string, boolean>();
  private readonly expectedPause = new Map<string, { paused: boolean; until: number }>();
  private readonly markedMinute = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly history: HistoryService,
    private readonly assets: AssetCache,
  ) {
    for (const run of store.state.openStuck()) this.openRuns.set(runKey(run.queue, run.jobId, run.processedOn), run);
    for (const c of store.state.openConditions()) this.openConditions.set(`${c.queue}\u0000${c.condition}`, c.since);
  }

  /** When a condition in force began (bridge clock), for status. */
  conditionSince(queue: string, condition: QueueCondition): number | null {
    return this.openConditions.get(`${queue}\u0000${condition}`) ?? null;
  }

  commitTick(tick: Tick): void {
    this.history.transaction((record) => {
      const rows: NewHistoryRow[] = [];
      const deltas: BucketDelta[] = [];
      const cursors: StreamCursor[] = [];
      const seenRuns = new Set<string>();
      for (const { summary, ingest, cursor } of tick.queues) {
        this.stuckRows(summary, tick.now, seenRuns, rows);
        this.conditionRows(summary, tick.now, rows);
        this.pauseRow(summary, tick.now, rows);
        for (const job of ingest.finished) {
          deltas.push(...bucketDeltas(job, tick.offsetMs));
          if (job.event === 'failed') rows.push(this.failedRow(job, tick.offsetMs));
        }
        const minute = Math.floor(tick.now / MINUTE) * MINUTE;
        if (ingest.lost > 0 || this.markedMinute.get(summary.name) !== minute) {
          // The queue's total row for this minute: it says "tracked", and carries what the stream lost.
          deltas.push({ ...emptyDelta(summary.name, '', minute), lost: ingest.lost });
          this.markedMinute.set(summary.name, minute);
        }
        if (cursor) cursors.push(cursor);
      }
      this.resolvedRows(tick.now, seenRuns, rows);
      record(rows);
      this.store.stats.add(deltas);
      this.store.state.saveCursors(cursors);
    });
  }

  /** A clear through the bridge: its row, and the run is closed so it is not reported resolved later. */
  cleared(
    queue: string,
    job: Pick<ActiveJob, 'jobId' | 'name' | 'ageSeconds' | 'processedOn' | 'assetId' | 'assetPath'> & {
      /** null: the job was not in the snapshot the request was checked against. */
      state: ActiveJob['state'] | null;
    },
    detail: Record<string, unknown>,
    actor: HistoryActor,
    mode: string,
  ): void {
    this.history.transaction((record) => {
      if (detail.result === 'cleared') this.closeRun(queue, job.jobId, job.processedOn ?? 0);
      record([
        {
          event: 'stuck_job_cleared',
          actor,
          mode,
          queue,
          jobId: job.jobId,
          jobName: job.name,
          assetId: job.assetId,
          assetPath: job.assetPath,
          ageSeconds: job.ageSeconds,
          detail: { state: job.state, ...detail },
        },
      ]);
    });
  }

  /** Redis stopped or started answering the snapshot loop. */
  connection(event: 'redis_lost' | 'redis_back', reason?: string): void {
    this.history.record({ event, actor: 'bridge', detail: reason ? { reason } : null });
  }

  /**
   * A pause or resume the bridge is about to ask Immich for: when the snapshot sees it happen, it is not
   * recorded again as Immich's. Set before the request, so a tick in between cannot mistake it.
   */
  expectPause(queue: string, paused: boolean): void {
    this.expectedPause.set(queue, { paused, until: Date.now() + EXPECT_PAUSE_MS });
  }

  /** The request failed: a change seen later is someone else's. */
  cancelExpectedPause(queue: string): void {
    this.expectedPause.delete(queue);
  }

  private stuckRows(summary: QueueSummary, now: number, seen: Set<string>, rows: NewHistoryRow[]): void {
    for (const job of summary.activeJobs) {
      const processedOn = job.processedOn ?? 0;
      const key = runKey(summary.name, job.jobId, processedOn);
      seen.add(key);
      if (job.state === 'running' || this.openRuns.has(key)) continue;
      const run: OpenStuck = {
        queue: summary.name,
        jobId: job.jobId,
        processedOn,
        jobName: job.name,
        assetId: job.assetId,
        assetPath: job.assetPath,
        state: job.state as StuckState,
        detectedAt: now,
      };
      this.openRuns.set(key, run);
      this.store.state.openStuckRun(run);
      rows.push({
        event: 'stuck_job_detected',
        actor: 'bridge',
        queue: summary.name,
        jobId: job.jobId,
        jobName: job.name,
        assetId: job.assetId,
        assetPath: job.assetPath,
        ageSeconds: job.ageSeconds,
        detail: {
          state: job.state,
          thresholdSeconds: summary.thresholdSeconds,
          attempts: job.attempts,
          stalls: job.stalls,
          // How many of the queue's jobs are stuck with it: many at once is an outage, not a bad file.
          stuckInQueue: summary.stuckJobs.length,
        },
        at: now,
        dedupKey: `detected:${key}`,
      });
    }
  }

  /** Open runs no longer active: the job left by itself (finished, failed, requeued by the stalled checker). */
  private resolvedRows(now: number, seen: Set<string>, rows: NewHistoryRow[]): void {
    for (const [key, run] of this.openRuns) {
      if (seen.has(key)) continue;
      this.closeRun(run.queue, run.jobId, run.processedOn);
      rows.push({
        event: 'stuck_job_resolved',
        actor: 'bridge',
        queue: run.queue,
        jobId: run.jobId,
        jobName: run.jobName,
        assetId: run.assetId,
        assetPath: run.assetPath,
        ageSeconds: (now - run.detectedAt) / 1000,
        detail: { state: run.state },
        at: now,
        dedupKey: `resolved:${key}`,
      });
    }
  }

  private conditionRows(summary: QueueSummary, now: number, rows: NewHistoryRow[]): void {
    for (const condition of QUEUE_CONDITIONS) {
      const key = `${summary.name}\u0000${condition}`;
      const active = summary.conditions.includes(condition);
      const since = this.openConditions.get(key);
      if (active && since === undefined) {
        this.openConditions.set(key, now);
        this.store.state.openCondition({ queue: summary.name, condition, since: now });
        rows.push({
          event: CONDITION_EVENTS[condition].begin,
          actor: 'bridge',
          queue: summary.name,
          detail: {
            condition,
            waiting: summary.counts.waiting,
            active: summary.counts.active,
            workers: summary.workers,
          },
          at: now,
        });
      } else if (!active && since !== undefined) {
        this.openConditions.delete(key);
        this.store.state.closeCondition(summary.name, condition);
        rows.push({
          event: CONDITION_EVENTS[condition].end,
          actor: 'bridge',
          queue: summary.name,
          ageSeconds: (now - since) / 1000,
          detail: { condition },
          at: now,
        });
      }
    }
  }

  private pauseRow(summary: QueueSummary, now: number, rows: NewHistoryRow[]): void {
    const before = this.paused.get(summary.name);
    this.paused.set(summary.name, summary.isPaused);
    const expected = this.expectedPause.get(summary.name);
    if (expected && expected.until < now) this.expectedPause.delete(summary.name);
    // The first sight of a queue is a baseline, not a change.
    if (before === undefined || before === summary.isPaused) return;
    if (expected && expected.until >= now && expected.paused === summary.isPaused) {
      // The bridge's own command, recorded by it with its actor.
      this.expectedPause.delete(summary.name);
      return;
    }
    rows.push({
      event: summary.isPaused ? 'queue_paused' : 'queue_resumed',
      actor: 'immich',
      queue: summary.name,
      at: now,
    });
  }

  private failedRow(job: FinishedJob, offsetMs: number): NewHistoryRow {
    const ids = jobIds(job.jobName, { dataId: job.dataId ?? null, assetId: job.assetId ?? null });
    const label = ids.assetId ? this.assets.lookup(ids.assetId) : null;
    return {
      event: 'job_failed',
      actor: 'immich',
      queue: job.queue,
      jobId: job.jobId,
      jobName: job.jobName,
      assetId: ids.assetId,
      assetPath: label?.path ?? null,
      ageSeconds: job.durationMs === null ? null : job.durationMs / 1000,
      detail: { failedReason: job.failedReason ?? null, attempts: job.attempts ?? 0, stalls: job.stalls ?? 0 },
      at: job.at + offsetMs,
      dedupKey: `failed:${job.queue}:${job.streamId}`,
    };
  }

  private closeRun(queue: string, jobId: string, processedOn: number): void {
    this.openRuns.delete(runKey(queue, jobId, processedOn));
    this.store.state.closeStuckRun(queue, jobId, processedOn);
  }
}

const emptyDelta = (queue: string, jobName: string, t: number): BucketDelta => ({
  queue,
  jobName,
  t,
  completed: 0,
  failed: 0,
  durCount: 0,
  durSum: 0,
  durMax: 0,
  lost: 0,
});

/** A finished job counts in its queue's total row and in its job name's row. */
function bucketDeltas(job: FinishedJob, offsetMs: number): BucketDelta[] {
  const t = Math.floor((job.at + offsetMs) / MINUTE) * MINUTE;
  const counted = (jobName: string): BucketDelta => ({
    ...emptyDelta(job.queue, jobName, t),
    completed: job.event === 'completed' ? 1 : 0,
    failed: job.event === 'failed' ? 1 : 0,
    durCount: job.durationMs === null ? 0 : 1,
    durSum: job.durationMs ?? 0,
    durMax: job.durationMs ?? 0,
  });
  return [counted(''), counted(job.jobName ?? 'unknown')];
}

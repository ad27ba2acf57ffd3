import {
  queueInfo,
  type ActiveJob,
  type ClearAllStuckResponse,
  type ClearedJobRef,
  type ClearJobResponse,
  type ClearMode,
  type ClearStuckResponse,
  type FailedActionResponse,
  type HistoryActor,
  type QueueCommandResponse,
  type QueueSummary,
  type SkippedJob,
} from '@immich-admin-tools/shared';
import { AppError, redisUnavailable } from '../errors.ts';
import { ImmichError, type ImmichRepository } from '../immich/immich.repository.ts';
import type { HistoryRecorder } from '../history/history-recorder.ts';
import type { Logger } from '../logger.ts';
import type { QueueRepository } from '../redis/queue.repository.ts';
import type { SnapshotService } from '../snapshot/snapshot.service.ts';
import type { HistoryService } from '../store/history.service.ts';

export const CLEARED_REASON = 'cleared as stuck by Immich Admin Tools';

/** Clearing a hung job in Redis cannot stop its processor: say what frees the slot. */
export function slotNote(slots: number): string | undefined {
  if (slots === 0) return undefined;
  const what = slots === 1 ? 'a worker slot' : `${slots} worker slots`;
  return `The hung processor still holds ${what}; only restarting immich_server (docker restart immich_server) frees it.`;
}

interface ClearOptions {
  mode: ClearMode;
  /** processedOn the caller saw; null = no guard. */
  expectedProcessedOn: number | null;
  force: boolean;
  actor: HistoryActor;
}

/** Where actions are remembered: every clear and command is a history row, committed before the answer. */
export interface ActionsMemory {
  history: HistoryService;
  recorder: HistoryRecorder;
}

type Outcome = { ok: true; slotStillHeld: boolean } | { ok: false; error: AppError };

/** Guarded recovery of stuck jobs and the queue commands, on top of the latest snapshot. */
export class ActionsService {
  constructor(
    private readonly repository: QueueRepository,
    private readonly snapshots: SnapshotService,
    private readonly immich: ImmichRepository | null,
    private readonly logger: Logger,
    private readonly memory: ActionsMemory,
    /** Refuses writes to Immich's queues on an untested BullMQ major (CompatibilityService). */
    private readonly compat: { assertActionsAllowed(): void },
  ) {}

  /** The queue from the latest snapshot; 404 for a name Redis does not hold, 503 before Redis ever answered. */
  queue(name: string): QueueSummary {
    const snapshot = this.snapshots.snapshot;
    if (!snapshot) throw redisUnavailable();
    const queue = snapshot.queues.find((q) => q.name === name);
    if (!queue) throw new AppError('QUEUE_NOT_FOUND', 404, `No queue named "${name}" in Immich's Redis`);
    return queue;
  }

  async clearJob(
    queueName: string,
    jobId: string,
    request: { mode: ClearMode; startedAt?: number | string; force?: boolean },
    actor: HistoryActor = 'user',
  ): Promise<ClearJobResponse> {
    this.compat.assertActionsAllowed();
    let seen = this.queue(queueName).activeJobs.find((job) => job.jobId === jobId);
    if (!seen && request.startedAt === undefined) {
      // Not in the last snapshot and nothing to guard with: look again before calling it unknown.
      await this.snapshots.tick();
      seen = this.queue(queueName).activeJobs.find((job) => job.jobId === jobId);
      if (!seen) throw new AppError('JOB_NOT_FOUND', 404, `Job ${jobId} is not active in ${queueName}`);
    }
    const expected = request.startedAt === undefined ? (seen?.processedOn ?? null) : toMs(request.startedAt);
    const outcome = await this.clearOne(queueName, jobId, seen, {
      mode: request.mode,
      expectedProcessedOn: expected,
      force: request.force === true || (seen !== undefined && seen.state !== 'running'),
      actor,
    });
    await this.snapshots.tick();
    if (!outcome.ok) throw outcome.error;
    const note = slotNote(outcome.slotStillHeld ? 1 : 0);
    return {
      cleared: true,
      jobId,
      mode: request.mode,
      slotStillHeld: outcome.slotStillHeld,
      ...(note ? { note } : {}),
    };
  }

  async clearStuck(
    queueName: string,
    request: { mode: ClearMode; jobIds?: string[] },
    actor: HistoryActor = 'user',
  ): Promise<ClearStuckResponse> {
    this.compat.assertActionsAllowed();
    const result = await this.clearStuckIn(this.queue(queueName), request, actor);
    await this.snapshots.tick();
    const note = slotNote(result.slotsStillHeld);
    return note ? { ...result, note } : result;
  }

  async clearAllStuck(request: { mode: ClearMode }, actor: HistoryActor = 'user'): Promise<ClearAllStuckResponse> {
    this.compat.assertActionsAllowed();
    const snapshot = this.snapshots.snapshot;
    if (!snapshot) throw redisUnavailable();
    const jobs: ClearedJobRef[] = [];
    const response: ClearAllStuckResponse = {
      cleared: 0,
      queues: [],
      jobIds: [],
      jobs,
      skipped: [],
      slotsStillHeld: 0,
    };
    for (const queue of snapshot.queues.filter((q) => q.stuckJobs.length > 0)) {
      // Ids repeat across queues (each counts from 1): `jobs` names each cleared job's queue.
      const result = await this.clearStuckIn(queue, request, actor, jobs);
      response.cleared += result.cleared;
      response.jobIds.push(...result.jobIds);
      response.slotsStillHeld += result.slotsStillHeld;
      response.skipped.push(...result.skipped.map((s) => ({ ...s, queue: queue.name })));
      if (result.cleared > 0) response.queues.push(queue.name);
    }
    await this.snapshots.tick();
    const note = slotNote(response.slotsStillHeld);
    return note ? { ...response, note } : response;
  }

  async setPaused(queueName: string, paused: boolean, actor: HistoryActor = 'user'): Promise<QueueCommandResponse> {
    this.queue(queueName);
    const immich = this.requireImmich();
    if (paused && !queueInfo(queueName).pausable) {
      throw new AppError('QUEUE_NOT_PAUSABLE', 400, `Immich does not allow pausing ${queueName}`);
    }
    let response: QueueCommandResponse;
    this.memory.recorder.expectPause(queueName, paused);
    try {
      response = { queue: queueName, isPaused: await immich.setPaused(queueName, paused), via: 'queues-api' };
    } catch (error) {
      // Servers before v2.4 have no Queues API: fall back to the legacy jobs command.
      if (!(error instanceof ImmichError && error.kind === 'not-found')) {
        this.memory.recorder.cancelExpectedPause(queueName);
        throw immichFailure(error);
      }
      try {
        const isPaused = await immich.legacyCommand(queueName, paused ? 'pause' : 'resume');
        response = { queue: queueName, isPaused, via: 'legacy-jobs-api' };
      } catch (legacyError) {
        this.memory.recorder.cancelExpectedPause(queueName);
        throw immichFailure(legacyError);
      }
    }
    this.logger.info({ queue: queueName, paused, via: response.via }, 'queue command');
    this.memory.history.record({
      event: response.isPaused ? 'queue_paused' : 'queue_resumed',
      actor,
      queue: queueName,
      detail: { via: response.via },
    });
    await this.snapshots.tick();
    return response;
  }

  async retryFailed(queueName: string): Promise<FailedActionResponse> {
    this.compat.assertActionsAllowed();
    this.queue(queueName);
    const count = await this.guard(() => this.repository.retryFailed(queueName));
    this.logger.info({ queue: queueName, count }, 'failed jobs retried');
    this.memory.history.record({ event: 'failed_retried', actor: 'user', queue: queueName, detail: { count } });
    await this.snapshots.tick();
    return { queue: queueName, count };
  }

  async clearFailed(queueName: string): Promise<FailedActionResponse> {
    this.compat.assertActionsAllowed();
    this.queue(queueName);
    const count = await this.guard(() => this.repository.cleanFailed(queueName));
    this.logger.info({ queue: queueName, count }, 'failed jobs cleared');
    this.memory.history.record({ event: 'failed_cleared', actor: 'user', queue: queueName, detail: { count } });
    await this.snapshots.tick();
    return { queue: queueName, count };
  }

  /** `done` gets each job as it is cleared, so a stop mid-way (across queues too) can say what was done. */
  private async clearStuckIn(
    queue: QueueSummary,
    request: { mode: ClearMode; jobIds?: string[] },
    actor: HistoryActor,
    done: ClearedJobRef[] = [],
  ) {
    const wanted = request.jobIds ? new Set(request.jobIds) : null;
    const skipped: SkippedJob[] = [];
    const cleared: string[] = [];
    let slotsStillHeld = 0;
    for (const jobId of wanted ?? []) {
      const job = queue.activeJobs.find((j) => j.jobId === jobId);
      const reason = !job ? 'JOB_NOT_ACTIVE' : job.state === 'running' ? 'JOB_RUNNING' : null;
      if (!reason) continue;
      skipped.push({ jobId, reason });
      this.remember(queue.name, jobId, job, { result: 'skipped', reason }, actor, request.mode);
    }
    for (const job of queue.stuckJobs.filter((j) => !wanted || wanted.has(j.jobId))) {
      let outcome: Outcome;
      try {
        outcome = await this.clearOne(queue.name, job.jobId, job, {
          mode: request.mode,
          expectedProcessedOn: job.processedOn,
          force: true,
          actor,
        });
      } catch (error) {
        throw stoppedMidway(error, done, { queue: queue.name, jobId: job.jobId });
      }
      if (outcome.ok) {
        cleared.push(job.jobId);
        done.push({ queue: queue.name, jobId: job.jobId, state: job.state, mode: request.mode });
        if (outcome.slotStillHeld) slotsStillHeld++;
      } else {
        skipped.push({ jobId: job.jobId, reason: outcome.error.code });
      }
    }
    return { cleared: cleared.length, jobIds: cleared, skipped, slotsStillHeld };
  }

  /** One guarded clear, and its history row (cleared, skipped with the reason, or of unknown outcome). */
  private async clearOne(
    queue: string,
    jobId: string,
    seen: ActiveJob | undefined,
    options: ClearOptions,
  ): Promise<Outcome> {
    let outcome: Outcome;
    try {
      outcome = await this.attemptClear(queue, jobId, seen, options);
    } catch (error) {
      if (error instanceof AppError && error.code === 'UNKNOWN_OUTCOME') {
        this.remember(queue, jobId, seen, { result: 'unknown', reason: error.code }, options.actor, options.mode);
      }
      throw error;
    }
    this.remember(
      queue,
      jobId,
      seen,
      outcome.ok
        ? { result: 'cleared', slotsStillHeld: outcome.slotStillHeld ? 1 : 0 }
        : { result: 'skipped', reason: outcome.error.code },
      options.actor,
      options.mode,
    );
    return outcome;
  }

  private remember(
    queue: string,
    jobId: string,
    seen: ActiveJob | undefined,
    detail: Record<string, unknown>,
    actor: HistoryActor,
    mode: ClearMode,
  ): void {
    const job = seen ?? {
      jobId,
      name: null,
      state: null,
      ageSeconds: 0,
      processedOn: null,
      assetId: null,
      assetPath: null,
    };
    this.memory.recorder.cleared(queue, job, detail, actor, mode);
  }

  private async attemptClear(
    queue: string,
    jobId: string,
    seen: ActiveJob | undefined,
    options: ClearOptions,
  ): Promise<Outcome> {
    if (options.mode === 'retry' && seen?.state === 'hung') {
      return { ok: false, error: retryRefused(jobId) };
    }
    const result = await this.guard(() =>
      this.repository.clearActiveJob(queue, jobId, options.mode, {
        force: options.force,
        expectedProcessedOn: options.expectedProcessedOn,
        reason: CLEARED_REASON,
      }),
    );
    switch (result.code) {
      case 'cleared': {
        // A live worker held the lock: its processor still occupies a concurrency slot until Immich restarts.
        const slotStillHeld = result.hadLock && seen?.state !== 'orphaned';
        this.logger.info({ queue, jobId, mode: options.mode, state: seen?.state, slotStillHeld }, 'active job cleared');
        return { ok: true, slotStillHeld };
      }
      case 'dangling-dropped':
        this.logger.info({ queue, jobId }, 'dangling active id dropped');
        return { ok: true, slotStillHeld: false };
      case 'not-active':
        return {
          ok: false,
          error: new AppError('JOB_NOT_ACTIVE', 409, `Job ${jobId} is no longer active: it finished or moved on`),
        };
      case 'changed':
        return {
          ok: false,
          error: new AppError('JOB_CHANGED', 409, `Job ${jobId} was restarted since it was looked at`),
        };
      case 'locked':
        return { ok: false, error: jobRunning(jobId) };
      case 'retry-locked':
        // Unforced, the job is simply running: say that first, not why a forced retry would be refused too.
        return { ok: false, error: options.force ? retryRefused(jobId) : jobRunning(jobId) };
    }
  }

  private requireImmich(): ImmichRepository {
    if (!this.immich)
      throw new AppError('IMMICH_NOT_CONFIGURED', 503, 'Set IMMICH_API_URL and IMMICH_API_KEY to use Immich commands');
    return this.immich;
  }

  /** Runs a Redis operation; a connection failure becomes 503 instead of a 500. */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (!(await this.repository.ping())) throw redisUnavailable();
      throw error;
    }
  }
}

const jobRunning = (jobId: string) =>
  new AppError(
    'JOB_RUNNING',
    409,
    `Job ${jobId} is within its threshold and held by a live worker; send force to clear it anyway`,
  );

const retryRefused = (jobId: string) =>
  new AppError(
    'RETRY_HUNG_REFUSED',
    409,
    `Job ${jobId} is held by a live worker that may still run it; use fail or remove`,
  );

/**
 * Redis stopped a bulk clear (unreachable, or a clear it never confirmed): later jobs are left as they are, and
 * the answer lists what was cleared before, and the job whose outcome is unknown, so nothing done goes unsaid.
 */
function stoppedMidway(error: unknown, done: ClearedJobRef[], at: { queue: string; jobId: string }): unknown {
  if (!(error instanceof AppError && error.status === 503)) return error;
  const unknown = error.code === 'UNKNOWN_OUTCOME' ? [at] : [];
  const what = done.length === 1 ? '1 job' : `${done.length} jobs`;
  return new AppError(
    error.code,
    503,
    `${error.message}; ${what} cleared before it stopped (listed in cleared), the rest left as they were`,
    undefined,
    undefined,
    { cleared: [...done], unknown },
  );
}

function toMs(startedAt: number | string): number {
  return typeof startedAt === 'number' ? startedAt : Date.parse(startedAt);
}

function immichFailure(error: unknown): AppError {
  if (error instanceof ImmichError && error.kind === 'refused') {
    return new AppError('IMMICH_REFUSED', 502, `Immich refused: ${error.message}`);
  }
  if (error instanceof ImmichError && error.status !== null) {
    return new AppError('IMMICH_UNAVAILABLE', 502, `Immich failed (HTTP ${error.status}): ${error.message}`);
  }
  return new AppError(
    'IMMICH_UNAVAILABLE',
    502,
    `Immich did not answer: ${error instanceof Error ? error.message : String(error)}`,
  );
}

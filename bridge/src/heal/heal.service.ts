import { randomUUID } from 'node:crypto';
import type {
  ActiveJob,
  AutoHealActionRecord,
  AutoHealStatus,
  ClearMode,
  QueueSummary,
  StuckState,
} from '@immich-admin-tools/shared';
import type { ActionsService } from '../actions/actions.service.ts';
import type { CompatibilityService } from '../compat/compatibility.service.ts';
import { AppError } from '../errors.ts';
import type { HistoryRecorder } from '../history/history-recorder.ts';
import type { Logger } from '../logger.ts';
import type { QueueRepository } from '../redis/queue.repository.ts';
import type { RestartService } from '../restart/restart.service.ts';
import type { SnapshotService } from '../snapshot/snapshot.service.ts';
import type { HistoryService } from '../store/history.service.ts';
import type { SettingsService } from '../store/settings.service.ts';
import type { AutoHealSettings } from './auto-heal-settings.ts';
import { Breaker } from './breaker.ts';
import type { HealRepository } from './heal.repository.ts';

/** How long a bridge holds a job run for itself (two bridges on one Redis act on it once). */
const LOCK_MS = 10 * 60_000;
const KEEP_ACTIONS = 20;

export interface HealDeps {
  actions: ActionsService;
  snapshots: SnapshotService;
  repository: QueueRepository;
  restart: RestartService;
  recorder: HistoryRecorder;
  history: HistoryService;
  memory: HealRepository;
  settings: SettingsService;
  current: () => AutoHealSettings;
  /** Its clears wait, like a click's, while an untested BullMQ major refuses actions. */
  compat: CompatibilityService;
  logger: Logger;
}

const runKey = (queue: string, job: ActiveJob) => `${queue}\u0000${job.jobId}\u0000${job.processedOn ?? ''}`;

/**
 * The auto-heal loop: every interval it acts on stuck jobs through ActionsService (the same guarded Lua as a
 * click, actor `auto-heal`): dangling ids dropped, orphans retried once and failed after, hung jobs failed;
 * with `clear_and_restart` it restarts Immich when slots stay held or a queue stalled. A breaker stops it when
 * the hourly budget is spent; a dry run only records what it would have done.
 */
export class HealService {
  private readonly breaker = new Breaker();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<AutoHealActionRecord[]> | null = null;
  private lastRunAt: number | null = null;
  private lastActions: AutoHealActionRecord[] = [];
  /** Job runs already reported without acting (alert_only, dry run): reported once, not every pass. */
  private reported = new Set<string>();
  private lastDryRestartAt: number | null = null;
  private revisionCount = 0;
  /** Holder of this bridge's locks in Redis. */
  private readonly lockOwner = randomUUID();
  private readonly offChange: () => void;
  private readonly mayWrite: () => boolean;

  constructor(private readonly deps: HealDeps) {
    this.mayWrite = deps.compat.writeGate('auto-heal clears', deps.logger);
    // A change of interval or switch applies from now, not after the old interval.
    this.offChange = deps.settings.onChange('autoHeal', () => {
      this.revisionCount++;
      if (this.timer) this.schedule();
    });
  }

  get revision(): number {
    return this.revisionCount;
  }

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.offChange();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  status(): AutoHealStatus {
    const s = this.deps.current();
    return {
      enabled: s.enabled,
      action: s.action,
      dryRun: s.dryRun,
      lastRunAt: this.lastRunAt === null ? null : new Date(this.lastRunAt).toISOString(),
      lastActions: this.lastActions,
      breaker: {
        open: this.breaker.isOpen(),
        actionsThisHour: this.breaker.count(),
        budget: s.maxActionsPerHour,
        openedAt: this.breaker.openedSince === null ? null : new Date(this.breaker.openedSince).toISOString(),
      },
    };
  }

  /** Closes the breaker with a fresh budget. */
  reset(): void {
    this.breaker.reset();
    this.revisionCount++;
    this.deps.logger.info('auto-heal breaker reset');
  }

  /** One pass now (also while auto-heal is switched off: an explicit request); joins a pass in progress. */
  run(): Promise<AutoHealActionRecord[]> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
      this.revisionCount++;
    });
    return this.running;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const work = this.deps.current().enabled ? this.run() : Promise.resolve([]);
      void work
        .catch((error: unknown) => this.deps.logger.error({ err: String(error) }, 'auto-heal pass failed'))
        .finally(() => {
          if (this.timer) this.schedule();
        });
    }, this.deps.current().intervalSeconds * 1000);
  }

  private async pass(): Promise<AutoHealActionRecord[]> {
    const settings = this.deps.current();
    this.lastRunAt = Date.now();
    if (this.breaker.isOpen()) return [];
    await this.deps.snapshots.tick();
    const snapshot = this.deps.snapshots.snapshot;
    if (!snapshot || !this.deps.snapshots.isConnected) return [];
    const records: AutoHealActionRecord[] = [];
    const seen = new Set<string>();
    let slotsHeld = 0;
    outer: for (const queue of snapshot.queues) {
      for (const job of queue.activeJobs) {
        const state = this.stateOf(job, settings);
        if (!state) continue;
        const key = runKey(queue.name, job);
        seen.add(key);
        if (settings.action === 'alert_only') {
          if (this.firstReport(key)) records.push(record(queue.name, job, state, 'alert', 'skipped', 'alert_only'));
          continue;
        }
        const mode = this.modeFor(queue.name, job, state);
        // A dead worker's lock still counting down: the retry would be refused until it expires (≤ 30 s).
        if (mode === 'retry' && job.lock.ttlMs !== null) continue;
        if (settings.dryRun) {
          if (!this.firstReport(key)) continue;
          this.deps.recorder.cleared(queue.name, job, { result: 'dry_run', autoHealState: state }, 'auto-heal', mode);
          records.push(record(queue.name, job, state, mode, 'dry_run'));
          continue;
        }
        // Reported once per job run, like alert_only: nothing is sent to Redis, not even the lock.
        if (!this.mayWrite()) {
          if (this.firstReport(key)) records.push(record(queue.name, job, state, mode, 'skipped', 'UNTESTED_VERSION'));
          continue;
        }
        if (this.breaker.isOpen()) break outer;
        const outcome = await this.act(queue, job, state, mode);
        if (!outcome) continue;
        records.push(outcome.record);
        if (outcome.slotStillHeld) slotsHeld++;
      }
    }
    // Reports of runs that ended are forgotten, so the set stays as small as what is stuck.
    for (const key of this.reported) if (!seen.has(key)) this.reported.delete(key);
    if (settings.action === 'clear_and_restart' && !this.breaker.isOpen()) {
      const restart = await this.maybeRestart(settings, slotsHeld);
      if (restart) records.push(restart);
    }
    if (records.length > 0) this.lastActions = [...records, ...this.lastActions].slice(0, KEEP_ACTIONS);
    return records;
  }

  /** What auto-heal sees a job as; null leaves it alone. AUTO_HEAL_THRESHOLD_MINUTES replaces the per-queue thresholds here only. */
  private stateOf(job: ActiveJob, settings: AutoHealSettings): StuckState | null {
    if (job.state === 'dangling') return 'dangling';
    if (settings.thresholdMinutes === null) return job.state === 'running' ? null : job.state;
    if (job.ageSeconds < settings.thresholdMinutes * 60) return null;
    return job.state === 'running' ? 'hung' : job.state;
  }

  /** Orphans go back to the line once; one that already stalled, or was retried by auto-heal, is failed. */
  private modeFor(queue: string, job: ActiveJob, state: StuckState): ClearMode {
    if (state === 'dangling') return 'remove';
    if (state === 'hung') return 'fail';
    return job.stalls > 0 || this.deps.memory.wasRetried(queue, job.jobId) ? 'fail' : 'retry';
  }

  private firstReport(key: string): boolean {
    if (this.reported.has(key)) return false;
    this.reported.add(key);
    return true;
  }

  private async act(
    queue: QueueSummary,
    job: ActiveJob,
    state: StuckState,
    mode: ClearMode,
  ): Promise<{ record: AutoHealActionRecord; slotStillHeld: boolean } | null> {
    // Another bridge on the same Redis took this run: it acts, this one does not.
    if (
      !(await this.deps.repository.tryLock(
        `heal:${queue.name}:${job.jobId}:${job.processedOn ?? ''}`,
        this.lockOwner,
        LOCK_MS,
      ))
    ) {
      return null;
    }
    try {
      const result = await this.deps.actions.clearJob(
        queue.name,
        job.jobId,
        { mode, force: true, ...(job.processedOn !== null ? { startedAt: job.processedOn } : {}) },
        'auto-heal',
      );
      if (mode === 'retry') this.deps.memory.markRetried(queue.name, job.jobId, Date.now());
      this.spend();
      return { record: record(queue.name, job, state, mode, 'done'), slotStillHeld: result.slotStillHeld };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { record: record(queue.name, job, state, mode, 'skipped', error.code), slotStillHeld: false };
    }
  }

  private async maybeRestart(settings: AutoHealSettings, slotsHeld: number): Promise<AutoHealActionRecord | null> {
    const snapshot = this.deps.snapshots.snapshot;
    const stalled = snapshot?.queues.find((q) => q.conditions.includes('stalled'))?.name ?? null;
    if (slotsHeld === 0 && !stalled) return null;
    const why = slotsHeld > 0 ? { slotsStillHeld: slotsHeld } : { stalledQueue: stalled };
    const at = new Date().toISOString();
    const restartRecord = (result: AutoHealActionRecord['result'], reason?: string): AutoHealActionRecord => ({
      queue: stalled ?? '',
      jobId: '',
      state: 'hung',
      action: 'restart',
      result,
      ...(reason ? { reason } : {}),
      at,
    });
    const blocker = this.deps.restart.blockedBy(snapshot);
    if (blocker) return restartRecord('skipped', `${blocker} is running`);
    if (settings.dryRun) {
      const cooldown = settings.restartCooldownMinutes * 60_000;
      if (this.lastDryRestartAt !== null && Date.now() - this.lastDryRestartAt < cooldown) return null;
      this.lastDryRestartAt = Date.now();
      this.deps.history.record({
        event: 'immich_restarted',
        actor: 'auto-heal',
        detail: { result: 'dry_run', ...why },
      });
      return restartRecord('dry_run');
    }
    try {
      await this.deps.restart.restart('auto-heal', why);
      this.spend();
      return restartRecord('done');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return restartRecord('skipped', error.message);
    }
  }

  /** One action spent; the one that spends the budget opens the breaker, recorded (and so alerted) once. */
  private spend(): void {
    const budget = this.deps.current().maxActionsPerHour;
    if (!this.breaker.spend(budget)) return;
    this.deps.logger.warn({ budget }, 'auto-heal breaker open: hourly budget spent');
    this.deps.history.record({
      event: 'auto_heal_breaker_open',
      actor: 'auto-heal',
      detail: { budget, actionsThisHour: this.breaker.count() },
    });
  }
}

function record(
  queue: string,
  job: ActiveJob,
  state: StuckState,
  action: AutoHealActionRecord['action'],
  result: AutoHealActionRecord['result'],
  reason?: string,
): AutoHealActionRecord {
  return {
    queue,
    jobId: job.jobId,
    state,
    action,
    result,
    ...(reason ? { reason } : {}),
    at: new Date().toISOString(),
  };
}

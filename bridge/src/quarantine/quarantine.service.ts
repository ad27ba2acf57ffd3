import { isAssetJob, SENSITIVE_JOB_NAMES } from '@immich-admin-tools/shared';
import type { CompatibilityService } from '../compat/compatibility.service.ts';
import type { Logger } from '../logger.ts';
import type { QueueRepository } from '../redis/queue.repository.ts';
import type { AddedJobs, Snapshot, SnapshotService } from '../snapshot/snapshot.service.ts';
import type { HistoryService } from '../store/history.service.ts';
import { QUARANTINED_REASON, type ProblemAssetsService } from './problem-assets.service.ts';

/**
 * Keeps quarantined assets from running: each tick, the jobs the events stream shows added for such an asset
 * are removed while they still wait (never by reading the wait list), and any of its jobs found active is
 * failed at once. Work runs one batch at a time, in tick order. On a BullMQ major where actions are refused
 * (CompatibilityService), it writes nothing: like a click, it waits for ALLOW_UNTESTED.
 */
export class QuarantineService {
  private chain: Promise<void> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly mayWrite: () => boolean;

  constructor(
    private readonly repository: QueueRepository,
    private readonly snapshots: SnapshotService,
    private readonly problems: ProblemAssetsService,
    private readonly history: HistoryService,
    compat: CompatibilityService,
    private readonly logger: Logger,
  ) {
    this.mayWrite = compat.writeGate('removing the jobs of quarantined assets', logger);
  }

  start(): void {
    this.unsubscribe.push(
      this.snapshots.onAdded((added) => this.enqueue(() => this.removeAdded(added))),
      this.snapshots.onSnapshot((snapshot) => this.enqueue(() => this.failActive(snapshot))),
    );
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.chain;
  }

  private enqueue(work: () => Promise<void>): void {
    if (this.problems.quarantinedIds.size === 0) return;
    // Asked when the work runs, not when it is queued: by then the tick's snapshot (and its BullMQ version) is in.
    this.chain = this.chain
      .then(() => (this.mayWrite() ? work() : undefined))
      .catch((error: unknown) => {
        // Redis away or a race: the next tick looks again.
        this.logger.warn({ err: String(error) }, 'quarantine pass failed');
      });
  }

  private async removeAdded(added: AddedJobs): Promise<void> {
    const assets = [...this.problems.quarantinedIds];
    if (assets.length === 0) return;
    for (const { queue, jobs } of added) {
      // Only jobs that carry an asset id; mail jobs are never opened.
      const ids = jobs
        .filter((j) => j.name && isAssetJob(j.name) && !SENSITIVE_JOB_NAMES.has(j.name))
        .map((j) => j.jobId);
      if (ids.length === 0) continue;
      const names = new Map(jobs.map((j) => [j.jobId, j.name]));
      for (const result of await this.repository.removeWaitingJobs(queue, assets, ids)) {
        if (result.result !== 'removed') continue;
        this.logger.info({ queue, jobId: result.jobId, assetId: result.assetId }, 'quarantined job removed');
        this.history.record({
          event: 'asset_job_removed',
          actor: 'quarantine',
          queue,
          jobId: result.jobId,
          jobName: names.get(result.jobId) ?? null,
          assetId: result.assetId,
          detail: { from: 'waiting', result: 'removed' },
        });
      }
    }
  }

  /** A job of a quarantined asset that is active anyway (it started before the tick saw it added). */
  private async failActive(snapshot: Snapshot): Promise<void> {
    const quarantined = this.problems.quarantinedIds;
    for (const queue of snapshot.queues) {
      for (const job of queue.activeJobs) {
        if (!job.assetId || !quarantined.has(job.assetId)) continue;
        const result = await this.repository.clearActiveJob(queue.name, job.jobId, 'fail', {
          force: true,
          expectedProcessedOn: job.processedOn,
          reason: QUARANTINED_REASON,
        });
        if (result.code !== 'cleared') continue;
        this.logger.info(
          { queue: queue.name, jobId: job.jobId, assetId: job.assetId },
          'quarantined active job failed',
        );
        this.history.record({
          event: 'asset_job_removed',
          actor: 'quarantine',
          queue: queue.name,
          jobId: job.jobId,
          jobName: job.name,
          assetId: job.assetId,
          assetPath: job.assetPath,
          ageSeconds: job.ageSeconds,
          mode: 'fail',
          detail: { from: 'active', result: 'failed', reason: QUARANTINED_REASON },
        });
      }
    }
  }
}

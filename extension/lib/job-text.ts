/** Words the jobs-page panels show: state explanations, counts, and what a bridge error means for the user. */
import {
  formatEta,
  formatRate,
  type ActiveJob,
  type AssetDetails,
  type ClearMode,
  type JobState,
  type QueueSummary,
} from '@immich-admin-tools/shared';
import type { BridgeError } from './messaging.ts';

export const STATE_LABEL: Record<JobState, string> = {
  running: 'running',
  hung: 'hung',
  orphaned: 'orphaned',
  dangling: 'dangling',
};

/** One line per state: what it is and what clearing does about it. */
export const STATE_EXPLANATION: Record<JobState, string> = {
  running: 'within its time limit; a worker is on it',
  hung: "a worker still holds it; clearing won't free the slot until Immich restarts",
  orphaned: 'its worker is gone (lock expired); safe to clear',
  dangling: 'an id without a job record; safe to drop',
};

export const MODE_LABEL: Record<ClearMode, string> = {
  fail: 'Move to failed (retry later)',
  retry: 'Retry now',
  remove: 'Remove for good',
};

/** "2 stuck", with the kinds told apart for the tooltip and screen readers: "1 hung, 1 orphaned". */
export function stuckBreakdown(jobs: readonly ActiveJob[]): { count: number; parts: string[] } {
  const counts = new Map<JobState, number>();
  for (const job of jobs) if (job.state !== 'running') counts.set(job.state, (counts.get(job.state) ?? 0) + 1);
  const parts = (['hung', 'orphaned', 'dangling'] as const)
    .filter((state) => counts.has(state))
    .map((state) => `${counts.get(state)} ${STATE_LABEL[state]}`);
  return { count: [...counts.values()].reduce((a, b) => a + b, 0), parts };
}

/** "~42/min · ETA ~5 h"; null when nothing has finished lately and nothing waits. */
export function rateLine(queue: QueueSummary): string | null {
  if (queue.rate <= 0 && queue.etaSeconds === null) return null;
  const rate = `~${formatRate(queue.rate)}`;
  return queue.etaSeconds === null ? rate : `${rate} · ETA ${formatEta(queue.etaSeconds)}`;
}

/** File name to show for a job: its asset's file, else a short id. */
export function jobLabel(job: Pick<ActiveJob, 'assetFileName' | 'assetId' | 'name' | 'jobId'>): string {
  if (job.assetFileName) return job.assetFileName;
  if (job.assetId) return `asset ${job.assetId.slice(0, 8)}`;
  return `${job.name ?? 'job'} #${job.jobId}`;
}

const ERROR_TEXT: Record<string, string> = {
  JOB_CHANGED: 'The job moved on before the clear (it restarted or finished); nothing was changed.',
  JOB_NOT_ACTIVE: 'The job is no longer active; nothing was changed.',
  JOB_NOT_FOUND: 'The job is gone already.',
  JOB_RUNNING: 'The job is still within its time limit.',
  JOB_LOCKED: 'A live worker holds the job.',
  RETRY_HUNG_REFUSED:
    'A hung job cannot be retried while its worker may still be working on it; move it to failed instead.',
  REDIS_UNAVAILABLE: "The bridge cannot reach Immich's Redis.",
  IMMICH_UNAVAILABLE: 'The bridge cannot reach Immich.',
};

/** A bridge error in words the admin can act on. */
export function describeError(error: BridgeError): string {
  switch (error.kind) {
    case 'unreachable':
      return 'The bridge does not answer. Is it running, and is its URL right in the options?';
    case 'unauthorized':
      return 'The bridge refused the token. Check it in the options.';
    case 'not_a_bridge':
      return 'The bridge URL answers, but not as an Immich Admin Tools bridge.';
    case 'redis_down':
      return "The bridge is up but cannot reach Immich's Redis.";
    case 'no_instance':
      return 'This Immich is not set up in Immich Admin Tools yet (open the options).';
    default:
      return (error.code && ERROR_TEXT[error.code]) || error.message;
  }
}

/** "JPG · 4032×3024 · 3.5 MB · taken 2023-04-02 · Admin": what Immich says of a job's asset, the parts it knows. */
export function assetDetailsText(asset: AssetDetails | undefined): string | null {
  if (!asset) return null;
  const size = asset.fileSize === null ? null : formatBytes(asset.fileSize);
  const parts = [
    asset.format,
    asset.width && asset.height ? `${asset.width}×${asset.height}` : null,
    size,
    asset.takenAt ? `taken ${asset.takenAt.slice(0, 10)}` : null,
    asset.ownerName,
  ].filter((part): part is string => Boolean(part));
  return parts.length ? parts.join(' · ') : null;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit]}`;
}

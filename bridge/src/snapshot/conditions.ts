import type { QueueCondition, QueueCounts } from '@immich-admin-tools/shared';

/** A worker gone for less than this may be restarting; longer is a condition. */
export const NO_WORKERS_AFTER_MS = 60_000;

export interface ConditionInput {
  now: number;
  isPaused: boolean;
  counts: QueueCounts;
  workers: number;
  /** Active jobs and how many of them are stuck. */
  active: number;
  stuck: number;
  /** Last time a job started or finished (stream time), or when the bridge began watching. */
  lastActivityAt: number;
  /** Last time a worker connection for the queue was seen. */
  lastWorkerAt: number;
  stallMs: number;
  /** CLIENT LIST could not be read: worker presence is unknown, so no_workers is not claimed. */
  workersKnown: boolean;
}

/**
 * Queue-level problems (pure):
 * - stalled: work waits, the queue is not paused, and nothing started or finished for STALL_MINUTES: every
 *   slot held by hung jobs, or a worker whose event loop froze so its locks expired;
 * - no_workers: work waits and no worker connection for the queue was seen for over a minute;
 * - slots_full_of_stuck: every active job is stuck while work waits.
 */
export function queueConditions(input: ConditionInput): QueueCondition[] {
  const waiting = input.counts.waiting + input.counts.prioritized;
  if (input.isPaused || waiting === 0) return [];
  const conditions: QueueCondition[] = [];
  if (input.now - input.lastActivityAt >= input.stallMs) conditions.push('stalled');
  if (input.workersKnown && input.workers === 0 && input.now - input.lastWorkerAt > NO_WORKERS_AFTER_MS) {
    conditions.push('no_workers');
  }
  if (input.active > 0 && input.stuck === input.active) conditions.push('slots_full_of_stuck');
  return conditions;
}

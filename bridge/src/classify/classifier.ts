import type { JobState } from '@immich-admin-tools/shared';

/** What the bridge remembers of one active job's lock between ticks. */
export interface LockHistory {
  firstSeenAt: number;
  lastTtlMs: number | null;
  /** Last time the TTL was seen going up: proof that a live worker renews it. */
  lastRenewAt: number | null;
}

export interface ClassifyInput {
  hasHash: boolean;
  ageSeconds: number;
  thresholdSeconds: number;
  lockTtlMs: number | null;
  history: LockHistory;
  now: number;
  /** A lock not renewed for this long belongs to a dead worker (renewal period plus slack). */
  deadLockAfterMs: number;
}

/**
 * Classifies one active job (pure):
 * - dangling: its id is in `active` but the job hash is gone;
 * - orphaned: no lock (the worker died), or a lock that only counted down for longer than a renewal period;
 * - hung: over the queue's threshold with a live lock: the worker still holds it;
 * - running: everything else.
 * Orphans are stuck whatever their age: an active job without a live worker never finishes by itself.
 */
export function classifyJob(input: ClassifyInput): JobState {
  if (!input.hasHash) return 'dangling';
  if (input.lockTtlMs === null) return 'orphaned';
  const lastLife = input.history.lastRenewAt ?? input.history.firstSeenAt;
  if (input.lockTtlMs >= 0 && input.now - lastLife > input.deadLockAfterMs) return 'orphaned';
  return input.ageSeconds > input.thresholdSeconds ? 'hung' : 'running';
}

/** Updates a lock's history with a new TTL sample. A TTL that went up was renewed. */
export function observeLock(previous: LockHistory | undefined, ttlMs: number | null, now: number): LockHistory {
  if (!previous) return { firstSeenAt: now, lastTtlMs: ttlMs, lastRenewAt: null };
  const renewed = ttlMs !== null && previous.lastTtlMs !== null && ttlMs > previous.lastTtlMs;
  // A lock that vanished and came back also belongs to a live worker.
  const reacquired = ttlMs !== null && previous.lastTtlMs === null;
  return {
    firstSeenAt: previous.firstSeenAt,
    lastTtlMs: ttlMs,
    lastRenewAt: renewed || reacquired ? now : previous.lastRenewAt,
  };
}

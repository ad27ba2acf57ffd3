import { describe, expect, it } from 'vitest';
import { classifyJob, observeLock, type ClassifyInput } from './classifier.ts';

const base: ClassifyInput = {
  hasHash: true,
  ageSeconds: 10,
  thresholdSeconds: 60,
  lockTtlMs: 25_000,
  history: { firstSeenAt: 0, lastTtlMs: 25_000, lastRenewAt: 0 },
  now: 1_000,
  deadLockAfterMs: 19_000,
};

describe('classifyJob', () => {
  it('tells running, hung, orphaned and dangling apart', () => {
    expect(classifyJob(base)).toBe('running');
    expect(classifyJob({ ...base, ageSeconds: 61 })).toBe('hung');
    expect(classifyJob({ ...base, lockTtlMs: null })).toBe('orphaned');
    expect(classifyJob({ ...base, lockTtlMs: null, ageSeconds: 1 })).toBe('orphaned');
    expect(classifyJob({ ...base, hasHash: false })).toBe('dangling');
  });

  it('calls a lock that only counted down past a renewal period a dead worker’s', () => {
    const dying = {
      ...base,
      ageSeconds: 120,
      now: 40_000,
      history: { firstSeenAt: 0, lastTtlMs: 5_000, lastRenewAt: 10_000 },
    };
    expect(classifyJob(dying)).toBe('orphaned');
    expect(classifyJob({ ...dying, now: 25_000 })).toBe('hung');
  });
});

describe('observeLock', () => {
  it('marks a lock renewed when its TTL went up, and remembers when', () => {
    let h = observeLock(undefined, 29_000, 0);
    h = observeLock(h, 27_000, 2_000);
    expect(h.lastRenewAt).toBeNull();
    h = observeLock(h, 29_900, 4_000);
    expect(h.lastRenewAt).toBe(4_000);
    h = observeLock(h, null, 6_000);
    expect(h).toMatchObject({ lastTtlMs: null, lastRenewAt: 4_000, firstSeenAt: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { queueConditions, type ConditionInput } from './conditions.ts';

const base: ConditionInput = {
  now: 1_000_000,
  isPaused: false,
  counts: { waiting: 10, paused: 0, active: 2, delayed: 0, prioritized: 0, failed: 0 },
  workers: 1,
  active: 2,
  stuck: 0,
  lastActivityAt: 1_000_000 - 1000,
  lastWorkerAt: 1_000_000,
  stallMs: 5 * 60_000,
  workersKnown: true,
};

describe('queueConditions', () => {
  it('is quiet for a queue that works', () => {
    expect(queueConditions(base)).toEqual([]);
  });

  it('calls a queue stalled once nothing started or finished for the stall time while work waits', () => {
    expect(queueConditions({ ...base, lastActivityAt: base.now - 5 * 60_000 + 1 })).toEqual([]);
    expect(queueConditions({ ...base, lastActivityAt: base.now - 5 * 60_000 })).toEqual(['stalled']);
  });

  it('reports no workers only after a minute without a worker connection, and only when presence is known', () => {
    const gone = { ...base, workers: 0 };
    expect(queueConditions({ ...gone, lastWorkerAt: base.now - 59_000 })).toEqual([]);
    expect(queueConditions({ ...gone, lastWorkerAt: base.now - 61_000 })).toEqual(['no_workers']);
    expect(queueConditions({ ...gone, lastWorkerAt: base.now - 61_000, workersKnown: false })).toEqual([]);
  });

  it('reports every slot full of stuck jobs while work waits', () => {
    expect(queueConditions({ ...base, stuck: 1 })).toEqual([]);
    expect(queueConditions({ ...base, stuck: 2 })).toEqual(['slots_full_of_stuck']);
  });

  it('says nothing for a paused queue or one with nothing waiting', () => {
    const bad = { ...base, stuck: 2, workers: 0, lastWorkerAt: 0, lastActivityAt: 0 };
    expect(queueConditions(bad)).toEqual(['stalled', 'no_workers', 'slots_full_of_stuck']);
    expect(queueConditions({ ...bad, isPaused: true })).toEqual([]);
    expect(queueConditions({ ...bad, counts: { ...bad.counts, waiting: 0 } })).toEqual([]);
    expect(queueConditions({ ...bad, counts: { ...bad.counts, waiting: 0, prioritized: 3 } })).toHaveLength(3);
  });
});

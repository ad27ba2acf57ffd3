import type { QueueCounts } from '@immich-admin-tools/shared';
import { describe, expect, it } from 'vitest';
import { planImport } from '../src/import-mode/import-plan.ts';

const counts = (waiting: number, active = 0): QueueCounts => ({
  waiting,
  paused: 0,
  active,
  delayed: 0,
  prioritized: 0,
  failed: 7,
});
const q = (name: string, waiting: number, isPaused = false, active = 0) => ({
  name,
  isPaused,
  counts: isPaused ? { ...counts(0, active), paused: waiting } : counts(waiting, active),
});
const ORDER = ['a', 'b', 'c', 'd'];

describe('planImport', () => {
  it('runs the first step with work and holds every later one', () => {
    const plan = planImport(ORDER, [q('a', 0), q('b', 5), q('c', 3), q('d', 0)], new Set(), new Set());
    expect(plan.running).toBe('b');
    expect(plan.steps.map((s) => s.state)).toEqual(['done', 'running', 'waiting', 'waiting']);
    expect(plan.pause).toEqual(['c', 'd']);
    expect(plan.resume).toEqual([]);
  });

  it('counts active jobs as work: a step is done only when nothing runs either', () => {
    const plan = planImport(ORDER, [q('a', 0, false, 1), q('b', 5, true)], new Set(['b']), new Set());
    expect(plan.running).toBe('a');
    expect(plan.resume).toEqual([]);
  });

  it('resumes what it holds once the steps before drained, and only that', () => {
    const plan = planImport(ORDER, [q('a', 0), q('b', 4, true), q('c', 2, true)], new Set(['b', 'c']), new Set());
    expect(plan.resume).toEqual(['b']);
    expect(plan.pause).toEqual([]);
    expect(plan.steps.map((s) => s.state)).toEqual(['done', 'running', 'waiting', 'absent']);
  });

  it('skips a queue the admin paused, without blocking the ones after it, and never resumes it', () => {
    const plan = planImport(ORDER, [q('a', 9, true), q('b', 2), q('c', 1)], new Set(), new Set());
    expect(plan.steps.map((s) => s.state)).toEqual(['held-by-admin', 'running', 'waiting', 'absent']);
    expect(plan.resume).toEqual([]);
    expect(plan.pause).toEqual(['c']);
  });

  it('forgets a hold the admin lifted by hand and does not pause that queue again', () => {
    const first = planImport(ORDER, [q('a', 3), q('b', 2)], new Set(['b']), new Set());
    expect(first.lost).toEqual(['b']);
    expect(first.pause).toEqual([]);
    const later = planImport(ORDER, [q('a', 3), q('b', 2)], new Set(), new Set(['b']));
    expect(later.steps[1]!.state).toBe('released-by-admin');
    expect(later.pause).toEqual([]);
  });
});

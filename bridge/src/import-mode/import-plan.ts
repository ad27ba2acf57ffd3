import { waitingCount, type ImportStep, type QueueSummary } from '@immich-admin-tools/shared';

export interface ImportPlan {
  steps: ImportStep[];
  running: string | null;
  /** Queues to pause now (not paused yet, later than the running step). */
  pause: string[];
  /** Queues import mode holds that may run now. */
  resume: string[];
  /** Queues import mode holds that were resumed by someone else: forget the hold, never pause them again. */
  lost: string[];
}

type QueueState = Pick<QueueSummary, 'name' | 'isPaused' | 'counts'>;

/**
 * What import mode wants for the order, from the latest snapshot: the first step with work runs, every later
 * one waits (paused). Steps the admin paused by hand are left alone and do not block the ones after them, so
 * an admin's pause never stalls the whole import; steps whose hold the admin lifted are left to run.
 */
export function planImport(
  order: readonly string[],
  queues: readonly QueueState[],
  held: ReadonlySet<string>,
  released: ReadonlySet<string>,
): ImportPlan {
  const byName = new Map(queues.map((q) => [q.name, q]));
  const plan: ImportPlan = { steps: [], running: null, pause: [], resume: [], lost: [] };
  for (const name of order) {
    const queue = byName.get(name);
    const holding = held.has(name);
    if (!queue) {
      plan.steps.push({ queue: name, state: 'absent', waiting: 0, active: 0, heldByImportMode: holding });
      continue;
    }
    const waiting = waitingCount(queue.counts);
    const work = waiting + queue.counts.active;
    const step = (state: ImportStep['state'], heldByImportMode = holding) =>
      plan.steps.push({ queue: name, state, waiting, active: queue.counts.active, heldByImportMode });
    if (holding && !queue.isPaused) {
      plan.lost.push(name);
      step('released-by-admin', false);
    } else if (released.has(name) && !queue.isPaused) {
      step('released-by-admin', false);
    } else if (queue.isPaused && !holding) {
      step('held-by-admin');
    } else if (plan.running === null) {
      if (holding) plan.resume.push(name);
      if (work > 0) plan.running = name;
      step(work > 0 ? 'running' : 'done');
    } else {
      if (!queue.isPaused) plan.pause.push(name);
      step('waiting', true);
    }
  }
  return plan;
}

/** The steps as they stand while import mode is off: nothing is held back. */
export function offSteps(order: readonly string[], queues: readonly QueueState[]): ImportStep[] {
  const byName = new Map(queues.map((q) => [q.name, q]));
  return order.map((name) => {
    const queue = byName.get(name);
    return {
      queue: name,
      state: queue ? (queue.isPaused ? 'held-by-admin' : 'off') : 'absent',
      waiting: queue ? waitingCount(queue.counts) : 0,
      active: queue?.counts.active ?? 0,
      heldByImportMode: false,
    };
  });
}

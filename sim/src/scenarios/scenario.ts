import type { ImmichProfile } from '../versions.ts';

/** What every scenario takes: the Redis to drive and, optionally, which Immich queue to put the state in. */
export interface ScenarioContext {
  redisUrl: string;
  queue?: string;
  /** The release imitated: the BullMQ version its queues write, its worker's name. Default: v3's, this bullmq. */
  immich?: ImmichProfile;
}

export interface RunningScenario {
  /** Closes every worker, queue and connection the scenario opened; the Redis state it made stays. */
  stop(): Promise<void>;
}

/** Runs `stops` in reverse order of opening, each even if an earlier one threw. */
export async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const stop of [...stops].reverse()) {
    try {
      await stop();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'scenario stop failed');
}

/** Polls `check` until it holds (scenarios wait for BullMQ to reach the state they promise). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

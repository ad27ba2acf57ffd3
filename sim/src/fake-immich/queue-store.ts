import { setTimeout as sleep } from 'node:timers/promises';
import type { QueueName, QueueResponseDto, QueueStatisticsDto } from '@immich/sdk';
import { QUEUES } from '@immich-admin-tools/shared';
import type { Queue } from 'bullmq';
import { openImmichQueue } from '../bull/immich-queues.ts';

/**
 * The fake server's BullMQ side, like Immich's JobRepository: one `Queue` per queue name, opened at boot (which,
 * as in Immich, writes each queue's `meta`), used for counts and commands.
 */
export class QueueStore {
  private readonly queues = new Map<string, Queue>();

  /** `names`: the release's queues (every catalogue queue by default); `bullmqVersion` as in `openImmichQueue`. */
  constructor(redisUrl: string, names: readonly string[] = QUEUES.map((q) => q.name), bullmqVersion?: string) {
    for (const name of names) this.queues.set(name, openImmichQueue(redisUrl, name, bullmqVersion));
  }

  /**
   * Resolves once every queue has written its `meta` (bullmq does that shortly after connecting). Immich is
   * booted only then; a bridge started earlier could discover a part of the queues and miss the rest for a minute.
   */
  async ready(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      [...this.queues.values()].map(async (queue) => {
        const client = await queue.client;
        while (!(await client.hexists(queue.toKey('meta'), 'version'))) {
          if (Date.now() > deadline) throw new Error(`queue ${queue.name} wrote no meta within ${timeoutMs} ms`);
          await sleep(10);
        }
      }),
    );
  }

  get names(): string[] {
    return [...this.queues.keys()];
  }

  /** The queue, or undefined for a name Immich's QueueName enum does not have. */
  get(name: string): Queue | undefined {
    return this.queues.get(name);
  }

  /** Immich's `getJobCounts`: prioritized jobs are not counted, completed is always 0. */
  async statistics(queue: Queue): Promise<QueueStatisticsDto> {
    const counts = await queue.getJobCounts('active', 'completed', 'failed', 'delayed', 'waiting', 'paused');
    return {
      active: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      delayed: counts.delayed ?? 0,
      waiting: counts.waiting ?? 0,
      paused: counts.paused ?? 0,
    };
  }

  async response(queue: Queue): Promise<QueueResponseDto> {
    const [statistics, isPaused] = await Promise.all([this.statistics(queue), queue.isPaused()]);
    return { name: queue.name as QueueName, isPaused, statistics };
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}

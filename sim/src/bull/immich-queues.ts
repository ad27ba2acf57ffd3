import { Queue, type JobsOptions, type QueueOptions } from 'bullmq';
import { connectionFromUrl } from './connection.ts';

/** Immich's BullMQ key prefix (server/src/repositories/config.repository.ts). */
export const IMMICH_PREFIX = 'immich_bull';

/** Immich v3.1's `bull.config.defaultJobOptions` (attempts was 3 before v2.4). */
export const IMMICH_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: true, removeOnFail: false };

/** A queue whose `meta.version` names another BullMQ: the one the simulated Immich release pins. */
class PinnedVersionQueue extends Queue {
  // Assigned right after super(), before the constructor's write of `meta` (it waits for the connection).
  constructor(
    name: string,
    options: QueueOptions,
    private readonly pinnedVersion: string,
  ) {
    super(name, options);
  }

  override get metaValues(): Record<string, string | number> {
    return { ...super.metaValues, version: `bullmq:${this.pinnedVersion}` };
  }
}

/**
 * A BullMQ queue built like Immich builds its own: same prefix and job options, and no `skipMetasUpdate`, so
 * it writes `meta.version` as a real Immich does: this bullmq's version, or `bullmqVersion` (one bullmq is
 * installed, so the sim of an older release reports the version that release pins). The caller closes it.
 */
export function openImmichQueue(redisUrl: string, name: string, bullmqVersion?: string): Queue {
  const options: QueueOptions = {
    prefix: IMMICH_PREFIX,
    connection: connectionFromUrl(redisUrl),
    defaultJobOptions: IMMICH_JOB_OPTIONS,
  };
  const queue = bullmqVersion ? new PinnedVersionQueue(name, options, bullmqVersion) : new Queue(name, options);
  // Without a listener BullMQ prints every failed reconnect (a test stopping redis-server: dozens of
  // ECONNREFUSED stack traces); the calls that need Redis still fail on their own.
  queue.on('error', () => {});
  return queue;
}

export interface ImmichJobSpec {
  name: string;
  data: Record<string, unknown>;
  opts?: JobsOptions;
}

/** Adds jobs the way Immich's `JobRepository.queueAll` does (one `addBulk`) and returns their ids. */
export async function addJobs(queue: Queue, jobs: ImmichJobSpec[]): Promise<string[]> {
  if (jobs.length === 0) return [];
  const added = await queue.addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: job.opts })));
  return added.map((job) => String(job.id));
}

/** `addJobs` through a queue opened and closed for the call (`bullmqVersion` as in `openImmichQueue`). */
export async function addImmichJobs(
  redisUrl: string,
  queue: string,
  jobs: ImmichJobSpec[],
  bullmqVersion?: string,
): Promise<string[]> {
  const q = openImmichQueue(redisUrl, queue, bullmqVersion);
  try {
    return await addJobs(q, jobs);
  } finally {
    await q.close();
  }
}

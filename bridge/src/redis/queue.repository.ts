import { SENSITIVE_JOB_NAMES, type QueueCounts } from '@immich-admin-tools/shared';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { IMMICH_PREFIX, META_SCAN_PATTERN, queueFromClientName, queueFromMetaKey, queueKeys } from './keys.ts';
import { CLEAR_CODES, defineScripts, type ScriptCommands } from './scripts.ts';

export interface RawActiveJob {
  jobId: string;
  /** null: the id sits in `active` with no job hash (dangling). */
  name: string | null;
  timestamp: number | null;
  processedOn: number | null;
  attempts: number;
  stalls: number;
  /** Lock TTL in ms; null when there is no lock; -1 for a lock without expiry. */
  lockTtlMs: number | null;
  inStalledSet: boolean;
  dataId: string | null;
  assetId: string | null;
  libraryId: string | null;
}

export interface RawEvent {
  /** Stream id `<ms>-<seq>`: Redis server time of the event. */
  id: string;
  event: string;
  jobId: string | null;
}

export interface RawQueueState {
  name: string;
  counts: QueueCounts;
  isPaused: boolean;
  version: string | null;
  activeJobs: RawActiveJob[];
  events: RawEvent[];
  /** XINFO entries-added: with the count read, tells how many events were trimmed before the bridge saw them. */
  entriesAdded: number | null;
  lastGeneratedId: string | null;
  eventsRead: number;
  lastReadId: string | null;
}

export interface RawSnapshot {
  redisNow: number;
  queues: RawQueueState[];
  /** Worker connections per queue, from CLIENT LIST. */
  workers: Map<string, number>;
}

export interface RawFailedJob {
  jobId: string;
  name: string | null;
  failedReason: string | null;
  finishedOn: number | null;
  timestamp: number | null;
  attempts: number;
  stalls: number;
  dataId: string | null;
  assetId: string | null;
}

export type ClearResult =
  | { code: 'cleared'; hadLock: boolean; target: string }
  | { code: 'dangling-dropped' }
  | { code: 'not-active' }
  | { code: 'locked' }
  | { code: 'changed' }
  | { code: 'retry-locked' };

const MAX_ACTIVE_PER_QUEUE = 500;
const MAX_EVENTS_PER_QUEUE = 5000;
const sensitiveArgs = [SENSITIVE_JOB_NAMES.size, ...SENSITIVE_JOB_NAMES];

type Raw = string | number | null | Raw[];
const str = (v: Raw | undefined): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: Raw | undefined): number | null => {
  const n = v === null || v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : null;
};
const int = (v: Raw | undefined) => num(v) ?? 0;

/** Everything the bridge reads from or writes to Immich's BullMQ keys. */
export class QueueRepository {
  private readonly redis: Redis & ScriptCommands;
  private readonly bullQueues = new Map<string, Queue>();

  constructor(redis: Redis) {
    this.redis = defineScripts(redis);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Queue names from their meta hashes, found with SCAN (never KEYS). */
  async discoverQueues(): Promise<string[]> {
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', META_SCAN_PATTERN, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const name = queueFromMetaKey(key);
        if (name) found.add(name);
      }
    } while (cursor !== '0');
    return [...found].sort();
  }

  /** One round trip: the snapshot script and CLIENT LIST in one pipeline. */
  async readSnapshot(queues: { name: string; lastEventId: string }[]): Promise<RawSnapshot> {
    const args = [`${IMMICH_PREFIX}:`, MAX_ACTIVE_PER_QUEUE, MAX_EVENTS_PER_QUEUE, ...sensitiveArgs];
    for (const queue of queues) args.push(queue.name, queue.lastEventId);
    const pipeline = this.redis.pipeline() as unknown as ScriptCommands & {
      client(sub: 'LIST'): unknown;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    pipeline.snapshot(...args);
    pipeline.client('LIST');
    const results = await pipeline.exec();
    if (!results) throw new Error('pipeline aborted');
    const [[snapshotError, snapshot], [clientError, clientList]] = results as [
      [Error | null, Raw[]],
      [Error | null, string],
    ];
    if (snapshotError) throw snapshotError;
    return {
      redisNow: int(snapshot[0]),
      queues: snapshot.slice(1).map((entry) => parseQueueState(entry as Raw[])),
      // CLIENT LIST can be disabled (renamed commands, managed Redis); then worker counts are unknown, not fatal.
      workers: clientError ? new Map() : countWorkers(clientList),
    };
  }

  async clearActiveJob(
    queue: string,
    jobId: string,
    mode: string,
    options: { force: boolean; expectedProcessedOn: number | null; reason: string },
  ): Promise<ClearResult> {
    const k = queueKeys(queue);
    const reply = await this.redis.clearActiveJob(
      k.active,
      k.wait,
      k.paused,
      k.meta,
      k.stalled,
      k.events,
      k.marker,
      k.failed,
      k.prioritized,
      k.job(jobId),
      jobId,
      mode,
      options.force ? '1' : '0',
      options.expectedProcessedOn === null ? '' : String(options.expectedProcessedOn),
      options.reason,
      k.prefix,
    );
    switch (Number(reply[0])) {
      case CLEAR_CODES.cleared:
        return { code: 'cleared', hadLock: Number(reply[2]) === 1, target: String(reply[3] ?? '') };
      case CLEAR_CODES.danglingDropped:
        return { code: 'dangling-dropped' };
      case CLEAR_CODES.notActive:
        return { code: 'not-active' };
      case CLEAR_CODES.locked:
        return { code: 'locked' };
      case CLEAR_CODES.changed:
        return { code: 'changed' };
      case CLEAR_CODES.retryLocked:
        return { code: 'retry-locked' };
      default:
        throw new Error(`unexpected reply from clear-active-job: ${JSON.stringify(reply)}`);
    }
  }

  async failedPage(queue: string, offset: number, limit: number): Promise<{ total: number; jobs: RawFailedJob[] }> {
    const k = queueKeys(queue);
    const reply = (await this.redis.failedPage(k.failed, k.prefix, offset, limit, ...sensitiveArgs)) as Raw[];
    return {
      total: int(reply[0]),
      jobs: reply.slice(1).map((row) => {
        const r = row as Raw[];
        return {
          jobId: String(r[0]),
          name: str(r[1]),
          failedReason: str(r[2]),
          finishedOn: num(r[3]),
          timestamp: num(r[4]),
          attempts: int(r[5]),
          stalls: int(r[6]),
          dataId: str(r[7]),
          assetId: str(r[8]),
        };
      }),
    };
  }

  /** BullMQ's own retry of failed jobs (moves them back to wait, or paused when paused). */
  async retryFailed(queue: string): Promise<number> {
    const before = await this.redis.zcard(queueKeys(queue).failed);
    await this.bullQueue(queue).retryJobs({ state: 'failed', count: 1000 });
    const after = await this.redis.zcard(queueKeys(queue).failed);
    return Math.max(0, before - after);
  }

  /** BullMQ's own clean of failed jobs, in batches of 1000 like Immich's "clear failed". */
  async cleanFailed(queue: string): Promise<number> {
    let removed = 0;
    for (;;) {
      const ids = await this.bullQueue(queue).clean(0, 1000, 'failed');
      removed += ids.length;
      if (ids.length < 1000) return removed;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.bullQueues.values()].map((queue) => queue.close()));
    this.bullQueues.clear();
  }

  /** A BullMQ Queue on the shared client; skipMetasUpdate keeps it from rewriting Immich's meta.version. */
  private bullQueue(name: string): Queue {
    let queue = this.bullQueues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: IMMICH_PREFIX, skipMetasUpdate: true });
      queue.on('error', () => {});
      this.bullQueues.set(name, queue);
    }
    return queue;
  }
}

function parseQueueState(r: Raw[]): RawQueueState {
  const jobs = (r[9] as Raw[] | null) ?? [];
  const events = (r[10] as Raw[] | null) ?? [];
  return {
    name: String(r[0]),
    counts: {
      waiting: int(r[1]),
      paused: int(r[2]),
      active: int(r[3]),
      delayed: int(r[4]),
      prioritized: int(r[5]),
      failed: int(r[6]),
    },
    isPaused: int(r[7]) === 1,
    version: str(r[8]),
    activeJobs: jobs.map((row) => {
      const j = row as Raw[];
      const pttl = int(j[6]);
      return {
        jobId: String(j[0]),
        name: str(j[1]),
        timestamp: num(j[2]),
        processedOn: num(j[3]),
        attempts: int(j[4]),
        stalls: int(j[5]),
        lockTtlMs: pttl === -2 ? null : pttl,
        inStalledSet: int(j[7]) === 1,
        dataId: str(j[8]),
        assetId: str(j[9]),
        libraryId: str(j[10]),
      };
    }),
    events: events.map((row) => {
      const e = row as Raw[];
      return { id: String(e[0]), event: String(e[1]), jobId: str(e[2]) };
    }),
    entriesAdded: num(r[11]),
    lastGeneratedId: str(r[12]),
    eventsRead: int(r[13]),
    lastReadId: str(r[14]),
  };
}

export function countWorkers(clientList: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of clientList.split('\n')) {
    const name = / name=(\S*)/.exec(line)?.[1];
    const queue = name ? queueFromClientName(name) : null;
    if (queue) counts.set(queue, (counts.get(queue) ?? 0) + 1);
  }
  return counts;
}

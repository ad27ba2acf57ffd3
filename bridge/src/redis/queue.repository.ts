import { SENSITIVE_JOB_NAMES, type QueueCounts } from '@immich-admin-tools/shared';
import type { Queue } from 'bullmq';
import { ReplyError, type Redis } from 'ioredis';
import { redisUnavailable, unknownOutcome } from '../errors.ts';
import { COMMAND_TIMEOUT_MS, isNotSent, isTimeout, type RedisLink } from './connection.ts';
import {
  BRIDGE_PREFIX,
  IMMICH_PREFIX,
  META_SCAN_PATTERN,
  queueFromClientName,
  queueFromMetaKey,
  queueKeys,
} from './keys.ts';
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
  /** Job name: on `added` events, and on `failed` from the job hash. */
  name: string | null;
  /** `failed` only, read from the job hash in the same tick: first line of failedReason, bounded. */
  failedReason?: string | null;
  attempts?: number;
  stalls?: number;
  dataId?: string | null;
  assetId?: string | null;
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
  /** The queues asked for whose meta hash exists. */
  queues: RawQueueState[];
  /** Worker connections per queue, from CLIENT LIST. */
  workers: Map<string, number>;
  /** False when CLIENT LIST was refused: worker counts are then unknown, not zero. */
  workersKnown: boolean;
  /** The discovery step taken in the same round trip, when one was asked for. */
  scan: { cursor: string; queues: string[] } | null;
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
/**
 * CLIENT LIST (its cost grows with the connections) and the discovery SCAN step (with the keys) go with every
 * fifth read only: worker presence and uncatalogued queues change slowly.
 */
const SLOW_PARTS_EVERY_READS = 5;
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
  private workers = new Map<string, number>();
  private workersKnown = false;
  private readsSinceSlowParts = Infinity;
  /**
   * Each queue's active jobs as the last read returned them. The script is told their processedOn, and sends
   * back only the lock and stalled flag of those still on the same activation, which saves Redis most of
   * the per-job work (the hash read, the JSON decode, the long reply) on an idle tick.
   */
  private activeJobs = new Map<string, Map<string, RawActiveJob>>();

  constructor(private readonly link: RedisLink) {
    this.redis = defineScripts(link.client);
  }

  async ping(): Promise<boolean> {
    if (!this.link.usable) return false;
    try {
      return (await this.read(() => this.redis.ping())) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Queue names from their meta hashes, found with SCAN (never KEYS). */
  async discoverQueues(): Promise<string[]> {
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.read(() => this.redis.scan(cursor, 'MATCH', META_SCAN_PATTERN, 'COUNT', 1000));
      cursor = next;
      for (const name of queuesFromMetaKeys(keys)) found.add(name);
    } while (cursor !== '0');
    return [...found].sort();
  }

  /**
   * One round trip: the snapshot script (which skips queues without a meta hash) and, every
   * SLOW_PARTS_EVERY_READS reads, CLIENT LIST (the last counts in between) and, when `scan` is given, one
   * SCAN step of the discovery that runs across ticks (`scan: null` in the answer on the other reads).
   */
  async readSnapshot(
    queues: { name: string; lastEventId: string }[],
    scan: { cursor: string; count: number } | null = null,
  ): Promise<RawSnapshot> {
    const args = [`${IMMICH_PREFIX}:`, MAX_ACTIVE_PER_QUEUE, MAX_EVENTS_PER_QUEUE, ...sensitiveArgs];
    // Taken now: a read that overlaps this one may replace the map before this reply is parsed.
    const held = this.activeJobs;
    for (const queue of queues) {
      const known = [...(held.get(queue.name)?.values() ?? [])].filter((job) => job.processedOn !== null);
      args.push(queue.name, queue.lastEventId, known.length);
      for (const job of known) args.push(job.jobId, String(job.processedOn));
    }
    const pipeline = this.redis.pipeline() as unknown as ScriptCommands & {
      client(sub: 'LIST'): unknown;
      scan(cursor: string, ...rest: (string | number)[]): unknown;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    const slowParts = this.readsSinceSlowParts >= SLOW_PARTS_EVERY_READS - 1;
    const scanStep = slowParts ? scan : null;
    pipeline.snapshot(...args);
    if (scanStep) pipeline.scan(scanStep.cursor, 'MATCH', META_SCAN_PATTERN, 'COUNT', scanStep.count);
    if (slowParts) pipeline.client('LIST');
    // Not read(): exec resolves even when its commands fail, so "answered" is only known from the script's result.
    const results = await pipeline.exec().catch((error: unknown) => {
      throw this.readFailure(error);
    });
    if (!results) throw new Error('pipeline aborted');
    const [[snapshotError, snapshot], ...rest] = results as [[Error | null, Raw[]], ...[Error | null, unknown][]];
    const scanned = scanStep ? (rest.shift() as [Error | null, [string, string[]]]) : undefined;
    const clients = slowParts ? (rest.shift() as [Error | null, string]) : undefined;
    if (snapshotError) throw this.readFailure(snapshotError);
    this.link.answered();
    if (clients) {
      // CLIENT LIST can be disabled (renamed commands, managed Redis); then worker counts are unknown, not fatal.
      this.workers = clients[0] ? new Map() : countWorkers(clients[1]);
      this.workersKnown = !clients[0];
      this.readsSinceSlowParts = 0;
    } else {
      this.readsSinceSlowParts++;
    }
    const parsed = snapshot.slice(1).map((entry) => parseQueueState(entry as Raw[], held));
    this.activeJobs = new Map(parsed.map((q) => [q.name, new Map(q.activeJobs.map((job) => [job.jobId, job]))]));
    return {
      redisNow: int(snapshot[0]),
      queues: parsed,
      workers: this.workers,
      workersKnown: this.workersKnown,
      scan: scanned && !scanned[0] ? { cursor: scanned[1][0], queues: [...queuesFromMetaKeys(scanned[1][1])] } : null,
    };
  }

  async clearActiveJob(
    queue: string,
    jobId: string,
    mode: string,
    options: { force: boolean; expectedProcessedOn: number | null; reason: string },
  ): Promise<ClearResult> {
    const k = queueKeys(queue);
    const reply = await this.write(`the clear of job ${jobId}`, () =>
      this.redis.clearActiveJob(
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
      ),
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

  /** Removes jobs of quarantined assets that still wait (remove-waiting-jobs-0.lua); reports those already active. */
  async removeWaitingJobs(
    queue: string,
    assetIds: string[],
    jobIds: string[],
  ): Promise<{ jobId: string; assetId: string; result: 'removed' | 'active' | 'gone' }[]> {
    const k = queueKeys(queue);
    const reply = (await this.write(`the removal of ${queue}'s quarantined jobs`, () =>
      this.redis.removeWaitingJobs(k.prefix, assetIds.length, ...assetIds, ...jobIds),
    )) as Raw[];
    const results = ['gone', 'removed', 'active'] as const;
    return reply.map((row) => {
      const r = row as Raw[];
      return { jobId: String(r[0]), assetId: String(r[1]), result: results[int(r[2])] ?? 'gone' };
    });
  }

  /**
   * A short lock under the bridge's own prefix (SET NX PX), so two bridges on one Redis never act on the
   * same thing twice; true when `owner` got it now or already holds it.
   */
  async tryLock(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const key = `${BRIDGE_PREFIX}:${name}`;
    const reply = await this.write(`the lock ${name}`, () => this.redis.set(key, owner, 'PX', ttlMs, 'NX'));
    return reply === 'OK' || (await this.read(() => this.redis.get(key))) === owner;
  }

  async failedPage(queue: string, offset: number, limit: number): Promise<{ total: number; jobs: RawFailedJob[] }> {
    const k = queueKeys(queue);
    const reply = (await this.read(() =>
      this.redis.failedPage(k.failed, k.prefix, offset, limit, ...sensitiveArgs),
    )) as Raw[];
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
    const failed = queueKeys(queue).failed;
    const before = await this.read(() => this.redis.zcard(failed));
    const bull = await this.bullQueue(queue);
    await this.write(`the retry of ${queue}'s failed jobs`, () => bull.retryJobs({ state: 'failed', count: 1000 }));
    const after = await this.read(() => this.redis.zcard(failed));
    return Math.max(0, before - after);
  }

  /** BullMQ's own clean of failed jobs, in batches of 1000 like Immich's "clear failed". */
  async cleanFailed(queue: string): Promise<number> {
    const bull = await this.bullQueue(queue);
    return this.write(`the clean of ${queue}'s failed jobs`, async () => {
      let removed = 0;
      for (;;) {
        const ids = await bull.clean(0, 1000, 'failed');
        removed += ids.length;
        if (ids.length < 1000) return removed;
      }
    });
  }

  /**
   * Read commands for the inspector (which vets them first), sent as one pipeline under the same timeout and
   * outage rules as every read; each answers on its own, a Redis error reply included.
   */
  async inspect(commands: readonly (readonly string[])[]): Promise<{ error: string | null; value: unknown }[]> {
    if (commands.length === 0) return [];
    const pipeline = this.redis.pipeline();
    // `call` sends the command as named: never one of the scripts ioredis defines as methods.
    for (const [name, ...args] of commands) void pipeline.call(name!, ...args);
    const results = await pipeline.exec().catch((error: unknown) => {
      throw this.readFailure(error);
    });
    if (!results) throw redisUnavailable();
    // exec resolves even when the connection failed: only replies prove that Redis answered.
    const lost = results.find(([error]) => error && !(error instanceof ReplyError));
    if (lost) throw this.readFailure(lost[0]);
    this.link.answered();
    return results.map(([error, value]) => ({ error: error ? error.message : null, value }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.bullQueues.values()].map((queue) => queue.close()));
    this.bullQueues.clear();
  }

  /**
   * A BullMQ Queue on the shared client, ready to use; skipMetasUpdate keeps it from rewriting Immich's
   * meta.version. BullMQ waits for "ready" before its first command: it is made only while Redis answers,
   * and that wait is bounded, so no operation is ever left waiting to run once Redis is back. One whose
   * start-up failed is dropped, not kept broken.
   */
  private async bullQueue(name: string): Promise<Queue> {
    if (!this.link.usable) throw redisUnavailable();
    let queue = this.bullQueues.get(name);
    if (!queue) {
      // Loaded on the first retry or clean of failed jobs: the snapshot itself needs none of BullMQ.
      const { Queue } = await import('bullmq');
      queue = new Queue(name, { connection: this.redis, prefix: IMMICH_PREFIX, skipMetasUpdate: true });
      queue.on('error', () => {});
      this.bullQueues.set(name, queue);
    }
    try {
      await withTimeout(queue.waitUntilReady(), COMMAND_TIMEOUT_MS);
      return queue;
    } catch (error) {
      this.bullQueues.delete(name);
      void queue.close().catch(() => {});
      throw this.readFailure(error);
    }
  }

  /** A read: safe to send even while Redis looks frozen (its answer is how the bridge learns it is back). */
  private async read<T>(operation: () => Promise<T>): Promise<T> {
    try {
      const result = await operation();
      this.link.answered();
      return result;
    } catch (error) {
      throw this.readFailure(error);
    }
  }

  private readFailure(error: unknown): unknown {
    if (error instanceof ReplyError) return error;
    if (isTimeout(error)) this.link.timedOut();
    return redisUnavailable();
  }

  /**
   * A write runs now or never: refused (503, nothing sent) unless Redis is ready and answering; once
   * sent, any failure but Redis' own error reply leaves its outcome unknown, and the caller is told so.
   */
  private async write<T>(what: string, operation: () => Promise<T>): Promise<T> {
    if (!this.link.usable) throw redisUnavailable();
    try {
      const result = await operation();
      this.link.answered();
      return result;
    } catch (error) {
      if (error instanceof ReplyError) throw error;
      if (isNotSent(error)) throw redisUnavailable();
      if (isTimeout(error)) this.link.timedOut();
      throw unknownOutcome(what);
    }
  }
}

/** Rejects like an ioredis command timeout when `promise` takes longer than `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Command timed out')), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function* queuesFromMetaKeys(keys: string[]): Iterable<string> {
  for (const key of keys) {
    const name = queueFromMetaKey(key);
    if (name) yield name;
  }
}

/** `held`: the jobs of the previous read, which a short row (id, lock TTL, stalled) refers to. */
function parseQueueState(r: Raw[], held: Map<string, Map<string, RawActiveJob>>): RawQueueState {
  const name = String(r[0]);
  const jobs = (r[9] as Raw[] | null) ?? [];
  const events = (r[10] as Raw[] | null) ?? [];
  return {
    name,
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
    activeJobs: jobs.map((row): RawActiveJob => {
      const j = row as Raw[];
      if (j.length === 3) {
        const pttl = int(j[1]);
        const previous = held.get(name)!.get(String(j[0]))!;
        return { ...previous, lockTtlMs: pttl === -2 ? null : pttl, inStalledSet: int(j[2]) === 1 };
      }
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
      const event: RawEvent = { id: String(e[0]), event: String(e[1]), jobId: str(e[2]), name: str(e[3]) };
      if (event.event !== 'failed') return event;
      return {
        ...event,
        failedReason: str(e[4]),
        attempts: int(e[5]),
        stalls: int(e[6]),
        dataId: str(e[7]),
        assetId: str(e[8]),
      };
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

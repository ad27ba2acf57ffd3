import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type Job } from 'bullmq';
import { ActiveTracker } from './active-tracker.ts';
import { connectionFromUrl } from './connection.ts';
import { IMMICH_PREFIX } from './immich-queues.ts';

/**
 * Simulated Immich workers. Immich runs one BullMQ `Worker` per queue in its `microservices` worker thread:
 * `new Worker(queue, handler, { prefix: 'immich_bull', concurrency, name: 'microservices' })`, with BullMQ's
 * default lock (30 s, renewed every 15 s). These do the same with a chosen behaviour.
 *
 * Connection names, seen in `CLIENT LIST` of a real redis-server (bullmq 5.80.5) with an open Queue and
 * startWorker({queue: 'faceDetection', concurrency: 2}):
 *   addr=127.0.0.1:48756 name= cmd=hset                                           (the Queue's connection)
 *   addr=127.0.0.1:48762 name= cmd=eval                                           (the worker's command connection)
 *   addr=127.0.0.1:48770 name=immich_bull:ZmFjZURldGVjdGlvbg==:w:microservices cmd=info   (its blocking connection)
 * So exactly one named connection per worker, `immich_bull:<base64(queue)>:w:<workerName>`; 5.80.5 leaves the
 * others unnamed, and `Queue.getWorkers()` matches the same name. workers.spec.ts checks it.
 */

/** 'hang': the processor never settles, so the live worker keeps renewing the lock. 'complete' resolves and
 * 'fail' throws after `durationMs` (with attempts 1 the job lands in `failed`). */
export type Behavior = 'hang' | 'complete' | 'fail';

export interface WorkerOptions {
  redisUrl: string;
  queue: string;
  behavior: Behavior;
  durationMs?: number;
  concurrency?: number;
  /** BullMQ's default 30000; tests use e.g. 2000 so a killed worker's lock expires fast. */
  lockDuration?: number;
  /** Immich v3 names its worker `microservices` (the default); null leaves it unnamed, as Immich did before. */
  workerName?: string | null;
  /** failedReason of 'fail' jobs. */
  failReason?: string;
}

export interface SimWorker {
  /** Job ids its processors currently hold. */
  readonly active: string[];
  waitForActive(n: number, timeoutMs?: number): Promise<string[]>;
  /** Force-closes: hung processors are abandoned (their locks then expire) and nothing settles later. */
  close(): Promise<void>;
}

const DEFAULT_FAIL_REASON = 'ENOENT: no such file or directory (simulated failure)';

/** A processor that never settles after `signal` aborts, so nothing touches Redis once the worker closed. */
function processorFor(opts: WorkerOptions, tracker: ActiveTracker, signal: AbortSignal) {
  const never = new Promise<never>(() => {});
  return async (job: Job): Promise<void> => {
    const id = String(job.id);
    tracker.add(id);
    try {
      if (opts.behavior === 'hang') return await never;
      try {
        await sleep(opts.durationMs ?? 100, undefined, { signal });
      } catch {
        return await never; // closed mid-job: abandon it like a hung one
      }
      if (opts.behavior === 'fail') throw new Error(opts.failReason ?? DEFAULT_FAIL_REASON);
    } finally {
      tracker.delete(id);
    }
  };
}

/** Runs a worker whose held job ids go to `tracker` (the child process passes one that reports over IPC). */
export async function runWorker(opts: WorkerOptions, tracker: ActiveTracker): Promise<SimWorker> {
  const abort = new AbortController();
  const worker = new Worker(opts.queue, processorFor(opts, tracker, abort.signal), {
    prefix: IMMICH_PREFIX,
    connection: connectionFromUrl(opts.redisUrl),
    concurrency: opts.concurrency ?? 1,
    ...(opts.workerName === null ? {} : { name: opts.workerName ?? 'microservices' }),
    ...(opts.lockDuration ? { lockDuration: opts.lockDuration } : {}),
  });
  const ready = new Promise<void>((resolve) => worker.once('ready', () => resolve()));
  let reported = false;
  worker.on('error', (error) => {
    // A sim worker's Redis errors (e.g. a test stopping redis-server) matter little: say it once, carry on.
    if (abort.signal.aborted || reported) return;
    reported = true;
    console.error(`[sim worker ${opts.queue}] ${error.message}`);
  });
  await worker.waitUntilReady();
  await ready;
  return {
    get active() {
      return tracker.active;
    },
    waitForActive: (n, timeoutMs) => tracker.waitForActive(n, timeoutMs),
    close: async () => {
      abort.abort();
      await worker.close(true);
      tracker.set([]);
    },
  };
}

/** An in-process Immich-like worker; resolves once it is connected and taking jobs. */
export function startWorker(opts: WorkerOptions): Promise<SimWorker> {
  return runWorker(opts, new ActiveTracker());
}

export interface WorkerProcess {
  readonly pid: number;
  waitForActive(n: number, timeoutMs?: number): Promise<string[]>;
  /** SIGKILL; resolves once the process is gone. Its jobs stay in `active`, their locks expire. */
  kill(): Promise<void>;
}

/** Messages the child (worker-process.ts) sends. */
export type WorkerProcessMessage =
  { type: 'ready' } | { type: 'active'; ids: string[] } | { type: 'error'; message: string };

const childEntry = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
// One process, not the tsx CLI: the CLI runs node as a grandchild, which a SIGKILL to the CLI would orphan.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A worker in a child process (a crashable `immich_server`), reporting the ids it takes over IPC. */
export async function spawnWorkerProcess(opts: WorkerOptions): Promise<WorkerProcess> {
  const child = fork(childEntry, [JSON.stringify(opts)], {
    execArgv: ['--import', tsxLoader],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const tracker = new ActiveTracker();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: WorkerProcessMessage) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'active') tracker.set(message.ids);
      else reject(new Error(`worker process failed: ${message.message}`));
    });
    child.once('exit', (code, signal) => reject(new Error(`worker process exited early (${code ?? signal})`)));
    child.once('error', reject);
  });
  return {
    pid: child.pid ?? -1,
    waitForActive: (n, timeoutMs) => tracker.waitForActive(n, timeoutMs),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

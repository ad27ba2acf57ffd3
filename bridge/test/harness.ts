import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorBody } from '@immich-admin-tools/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { addImmichJobs, type ImmichJobSpec } from '../../sim/src/bull/immich-queues.ts';
import { startWorker, type SimWorker, type WorkerOptions } from '../../sim/src/bull/workers.ts';
import { startFakeImmich, type FakeImmich } from '../../sim/src/fake-immich/app.ts';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import type { ImmichProfile } from '../../sim/src/versions.ts';
import { startBridge, type RunningBridge } from '../src/bridge.ts';
import type { DestinationStream } from '../src/logger.ts';

export const TOKEN = 'test-token-0123456789abcdef';

/** A private redis-server, a client on it and a bridge over it, torn down together. */
export interface BridgeHarness {
  redisServer: RedisServer;
  redis: Redis;
  bridge: RunningBridge;
  api<T = unknown>(
    path: string,
    init?: RequestInit & { json?: unknown; token?: string | null },
  ): Promise<{ status: number; body: T }>;
  /** Polls `check` until it returns a value (not undefined), or fails after timeoutMs. */
  until<T>(check: () => Promise<T | undefined>, timeoutMs?: number, what?: string): Promise<T>;
  close(): Promise<void>;
}

/** `logDestination`: where the bridge writes its log lines (JSON, at the LOG_LEVEL `env` sets), to read back. */
export async function startHarness(
  env: Record<string, string> = {},
  existing?: RedisServer,
  options: { logDestination?: DestinationStream } = {},
): Promise<BridgeHarness> {
  const redisServer = existing ?? (await startRedisServer());
  // A DATA_DIR given by the test is kept on close, so a second bridge can start over the same store.
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'iat-bridge-'));
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const bridge = await startBridge({
    env: {
      REDIS_URL: redisServer.url,
      BRIDGE_TOKEN: TOKEN,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      POLL_INTERVAL_MS: '250',
      ...env,
    },
    logDestination: options.logDestination,
  });
  const api: BridgeHarness['api'] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? TOKEN}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const res = await fetch(`${bridge.url}${path}`, { ...init, headers, body });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
  };
  return {
    redisServer,
    redis,
    bridge,
    api,
    until,
    async close() {
      await bridge.stop();
      redis.disconnect();
      if (!existing) await redisServer.dispose();
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value (not undefined), or fails after timeoutMs. */
export async function until<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export const errorCode = (body: unknown) => (body as ErrorBody).error.code;

export const API_KEY = 'sim-admin-api-key';

/** Redis, a fake Immich and a bridge over both, plus the sim workers a test starts (closed with it). */
export interface Stack {
  redisServer: RedisServer;
  immich: FakeImmich;
  h: BridgeHarness;
  workers: SimWorker[];
  /** The Immich release the fake Immich and `workOn`'s workers and jobs imitate (the sim's default: 3.1). */
  release?: ImmichProfile;
}

/**
 * Starts a Stack before the tests of the file (or of the `describe` it is called in) and tears it down after
 * them. `release` and `logDestination` as in `Stack` and `startHarness`.
 */
export function useStack(
  env: Record<string, string> = {},
  options: { release?: ImmichProfile; logDestination?: DestinationStream } = {},
): Stack {
  const stack = { workers: [] as SimWorker[], release: options.release } as Stack;
  beforeAll(async () => {
    stack.redisServer = await startRedisServer();
    stack.immich = await startFakeImmich({
      redisUrl: stack.redisServer.url,
      apiKey: API_KEY,
      immich: options.release,
    });
    stack.h = await startHarness(
      { IMMICH_API_URL: stack.immich.url, IMMICH_API_KEY: API_KEY, ...env },
      stack.redisServer,
      { logDestination: options.logDestination },
    );
  });
  afterAll(async () => {
    await Promise.all(stack.workers.map((w) => w.close()));
    await stack.h?.close();
    await stack.immich?.stop();
    await stack.redisServer?.dispose();
  });
  return stack;
}

/**
 * Starts a sim worker on the stack's Redis (closed with the stack), queues `jobs` for it and,
 * when `hold` is set, waits until its processors hold that many of them.
 */
export async function workOn(
  s: Stack,
  opts: Omit<WorkerOptions, 'redisUrl'>,
  jobs: ImmichJobSpec[],
  hold = 0,
): Promise<{ worker: SimWorker; ids: string[] }> {
  const worker = await startWorker({ redisUrl: s.redisServer.url, workerName: s.release?.workerName, ...opts });
  s.workers.push(worker);
  const ids = await addImmichJobs(s.redisServer.url, opts.queue, jobs, s.release?.bullmq);
  if (hold > 0) await worker.waitForActive(hold);
  return { worker, ids };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorBody } from '@immich-admin-tools/shared';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { startBridge, type RunningBridge } from '../src/bridge.ts';

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

export async function startHarness(env: Record<string, string> = {}, existing?: RedisServer): Promise<BridgeHarness> {
  const redisServer = existing ?? (await startRedisServer());
  const dataDir = mkdtempSync(join(tmpdir(), 'iat-bridge-'));
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
  const until: BridgeHarness['until'] = async (check, timeoutMs = 30_000, what = 'condition') => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
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
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const errorCode = (body: unknown) => (body as ErrorBody).error.code;

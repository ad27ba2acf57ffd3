/** The real back end for e2e tests: private redis-server, the simulator's fake Immich, the real bridge. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge } from '@immich-admin-tools/bridge';
import { startFakeImmich, startRedisServer, type FakeImmich, type RedisServer } from '@immich-admin-tools/sim';

export const E2E_BRIDGE_TOKEN = 'e2e-bridge-token-0123456789';
export const E2E_IMMICH_KEY = 'e2e-immich-admin-key';

export interface Stack {
  redis: RedisServer;
  immich: FakeImmich;
  bridge: { url: string; token: string };
  /** Stops the bridge and starts it again on the same port and DATA_DIR (history and settings kept). */
  restartBridge(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** STUCK_THRESHOLDS for the bridge, e.g. 'faceDetection=3'. */
  stuckThresholds?: string;
  /** Bridge snapshot tick; short so detection is quick. */
  pollIntervalMs?: number;
  /** More bridge environment, e.g. BRIDGE_READ_TOKEN. */
  env?: Record<string, string>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const redis = await startRedisServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'iat-e2e-bridge-'));
  const stops: (() => Promise<void>)[] = [
    async () => rmSync(dataDir, { recursive: true, force: true }),
    () => redis.dispose(),
  ];
  const stop = async () => {
    for (const step of stops.splice(0)) await step().catch(() => {});
  };
  try {
    const immich = await startFakeImmich({ redisUrl: redis.url, apiKey: E2E_IMMICH_KEY });
    stops.unshift(() => immich.stop());
    const env = {
      REDIS_URL: redis.url,
      IMMICH_API_URL: immich.url,
      IMMICH_API_KEY: E2E_IMMICH_KEY,
      BRIDGE_TOKEN: E2E_BRIDGE_TOKEN,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      POLL_INTERVAL_MS: String(options.pollIntervalMs ?? 500),
      STUCK_THRESHOLDS: options.stuckThresholds ?? 'faceDetection=3,smartSearch=3',
      ...options.env,
    };
    let bridge = await startBridge({ env });
    const port = new URL(bridge.url).port;
    stops.unshift(() => bridge.stop());
    const restartBridge = async () => {
      await bridge.stop();
      bridge = await startBridge({ env: { ...env, PORT: port } });
    };
    return { redis, immich, bridge: { url: bridge.url, token: bridge.token }, restartBridge, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HistoryItem, HistoryResponse, StatsResponse } from '@immich-admin-tools/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { startWorker, type SimWorker } from '../../sim/src/bull/workers.ts';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { TOKEN, until } from './harness.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

let redis: RedisServer;
let dataDir: string;
let port: number;
const workers: SimWorker[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  dataDir = mkdtempSync(join(tmpdir(), 'iat-crash-'));
  port = await freePort();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await redis?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The real entry point in its own process, so it can die by SIGKILL mid-write. */
async function startBridgeProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', tsxLoader, 'bridge/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      BRIDGE_TOKEN: TOKEN,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      POLL_INTERVAL_MS: '250',
      STUCK_THRESHOLDS: 'faceDetection=1',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 120; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error('the bridge process did not start');
}

const api = async <T>(path: string, init: RequestInit = {}) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: res.status, body: (await res.json()) as T };
};

async function allRows(): Promise<HistoryItem[]> {
  const rows: HistoryItem[] = [];
  let before: number | null = null;
  do {
    const page: HistoryResponse = (
      await api<HistoryResponse>(`/api/history?limit=1000${before ? `&before=${before}` : ''}`)
    ).body;
    rows.push(...page.items);
    before = page.nextBefore;
  } while (before);
  return rows;
}

const completedIn = async (queue: string) =>
  (await api<StatsResponse>(`/api/stats?range=1h&queue=${queue}`)).body.series
    .flatMap((s) => s.points)
    .reduce((sum, p) => sum + p.completed, 0);

describe('a bridge killed while it writes', () => {
  it('keeps every acknowledged row, writes no event twice, and counts every finished job exactly once', async () => {
    const JOBS = 800;
    let bridge = await startBridgeProcess();
    const hung = await startWorker({ redisUrl: redis.url, queue: 'faceDetection', behavior: 'hang', concurrency: 3 });
    workers.push(hung);
    const hungIds = await addImmichJobs(
      redis.url,
      'faceDetection',
      [0, 1, 2].map((i) => ({ name: 'AssetDetectFaces', data: { id: `00000000-0000-4000-8000-00000000000${i}` } })),
    );
    await hung.waitForActive(3);
    const busy = await startWorker({
      redisUrl: redis.url,
      queue: 'metadataExtraction',
      behavior: 'complete',
      durationMs: 15,
      concurrency: 4,
    });
    workers.push(busy);
    const jobs = Array.from({ length: JOBS }, (_, i) => ({ name: 'AssetExtractMetadata', data: { id: `job-${i}` } }));
    await addImmichJobs(redis.url, 'metadataExtraction', jobs.slice(0, JOBS / 2));

    // Two clears are answered: their rows must survive the kill.
    await until(
      async () => {
        const rows = await allRows();
        return rows.filter((r) => r.event === 'stuck_job_detected').length === 3 ? true : undefined;
      },
      60_000,
      'three detections',
    );
    for (const jobId of hungIds.slice(0, 2)) {
      const res = await api(`/api/queues/faceDetection/jobs/${jobId}/clear`, {
        method: 'POST',
        body: JSON.stringify({ mode: 'fail' }),
      });
      expect(res.status).toBe(200);
    }
    await until(
      async () => ((await completedIn('metadataExtraction')) > 50 ? true : undefined),
      60_000,
      'some completions',
    );

    // Mid-stream: jobs go on finishing while no bridge watches.
    bridge.kill('SIGKILL');
    await new Promise((resolve) => bridge.once('exit', resolve));
    await addImmichJobs(redis.url, 'metadataExtraction', jobs.slice(JOBS / 2));
    await sleep(1500);

    bridge = await startBridgeProcess();
    try {
      let seen = 0;
      const total = await until(
        async () => {
          seen = await completedIn('metadataExtraction');
          return seen >= JOBS ? seen : undefined;
        },
        60_000,
        `${JOBS} completions`,
      ).catch((error: Error) => {
        throw new Error(`${error.message} (counted ${seen})`);
      });
      // A few more ticks: nothing may be counted again.
      await sleep(1500);
      expect(await completedIn('metadataExtraction')).toBe(total);
      expect(total).toBe(JOBS);

      const rows = await allRows();
      const cleared = rows.filter((r) => r.event === 'stuck_job_cleared' && r.detail?.result === 'cleared');
      expect(cleared.map((r) => r.jobId).sort()).toEqual(hungIds.slice(0, 2).sort());
      const once = (event: string) => rows.filter((r) => r.event === event).map((r) => `${r.queue}/${r.jobId}`);
      for (const event of ['stuck_job_detected', 'stuck_job_cleared', 'stuck_job_resolved', 'job_failed']) {
        const keys = once(event);
        expect(new Set(keys).size, event).toBe(keys.length);
      }
      // The third hung job was detected before the kill and is still the same run: still one detection.
      expect(once('stuck_job_detected').filter((k) => k === `faceDetection/${hungIds[2]}`)).toHaveLength(1);
      expect(rows.filter((r) => r.event === 'bridge_started')).toHaveLength(2);
    } finally {
      bridge.kill('SIGKILL');
    }
  });
});

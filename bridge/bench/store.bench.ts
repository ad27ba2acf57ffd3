/**
 * `pnpm bench` (store part): what the bridge's memory costs, each figure printed with its budget.
 * - history ingest: events per second the stream tail and the store sustain (≥ 20 000/s);
 * - GET /api/stats?range=30d over 30 days of synthetic buckets for 19 queues (p50 < 20 ms);
 * - bridge RSS after SOAK_MINUTES (10) at 5 000 jobs/min, from the bundle with its capped heap (< 80 MB).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { QUEUES } from '@immich-admin-tools/shared';
import { Redis } from 'ioredis';
import { openImmichQueue } from '../../sim/src/bull/immich-queues.ts';
import { startWorker } from '../../sim/src/bull/workers.ts';
import { BRIDGE_NODE_ENV, BRIDGE_NODE_FLAGS } from './processes.ts';
import { freePort, startRedisServer } from '../../sim/src/redis/redis-server.ts';
import { startBridge } from '../src/bridge.ts';
import { StatsService } from '../src/store/stats.service.ts';
import { Store } from '../src/store/store.ts';

const SOAK_MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const JOBS_PER_MINUTE = 5000;
const EVENTS_PER_QUEUE = 5000;
const TOKEN = 'bench-token-0123456789abcdef';

const log = (line: string) => process.stdout.write(`${line}\n`);
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const env = (redisUrl: string, dataDir: string, port = 0) => ({
  REDIS_URL: redisUrl,
  BRIDGE_TOKEN: TOKEN,
  HOST: '127.0.0.1',
  PORT: String(port),
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  // The bench drives ticks itself where it measures them.
  POLL_INTERVAL_MS: '60000',
});

/** Writes `count` job lifecycles (added, active, completed) per queue straight into each events stream. */
async function fillStreams(redis: Redis, count: number): Promise<number> {
  let events = 0;
  for (const info of QUEUES) {
    const key = `immich_bull:${info.name}:events`;
    await redis.hset(`immich_bull:${info.name}:meta`, 'opts.maxLenEvents', '100000');
    const pipeline = redis.pipeline();
    for (let i = 0; i < count / 3; i++) {
      pipeline.xadd(key, '*', 'event', 'added', 'jobId', `b${i}`, 'name', 'AssetGenerateThumbnails');
      pipeline.xadd(key, '*', 'event', 'active', 'jobId', `b${i}`, 'prev', 'waiting');
      pipeline.xadd(key, '*', 'event', 'completed', 'jobId', `b${i}`, 'returnvalue', 'null');
      events += 3;
    }
    await pipeline.exec();
  }
  return events;
}

async function ingestBench(): Promise<void> {
  const redisServer = await startRedisServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'iat-bench-store-'));
  const redis = new Redis(redisServer.url);
  try {
    for (const info of QUEUES) await redis.hset(`immich_bull:${info.name}:meta`, 'version', 'bullmq:5.80.5');
    const bridge = await startBridge({ env: env(redisServer.url, dataDir) });
    const rates: number[] = [];
    for (let round = 0; round < 3; round++) {
      const events = await fillStreams(redis, EVENTS_PER_QUEUE);
      const started = performance.now();
      await bridge.snapshots.tick();
      rates.push(events / ((performance.now() - started) / 1000));
    }
    await bridge.stop();
    const median = percentile(rates, 50);
    log(
      `history ingest (tail + store, ${QUEUES.length} queues × ${EVENTS_PER_QUEUE} events a tick): ` +
        `${Math.round(median).toLocaleString('en')} events/s (budget ≥ 20,000/s) ${verdict(median >= 20_000)}`,
    );
  } finally {
    redis.disconnect();
    await redisServer.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** 30 days of buckets for every queue and three job names each, as a month of real ticks would leave. */
function seedBuckets(dataDir: string, now: number): number {
  const store = Store.open(dataDir);
  let rows = 0;
  const minute = 60_000;
  store.transaction(() => {
    for (const info of QUEUES) {
      for (let t = now - 30 * 24 * 60 * minute; t < now; t += 10 * minute) {
        const deltas = ['', 'JobA', 'JobB', 'JobC'].map((jobName) => ({
          queue: info.name,
          jobName,
          t,
          completed: 40,
          failed: 1,
          durCount: 40,
          durSum: 40 * 120,
          durMax: 900,
          lost: 0,
        }));
        store.stats.add(deltas);
        rows += deltas.length;
      }
    }
  });
  // What retention leaves of a month: minute buckets only for the last 48 h.
  store.db.prepare('DELETE FROM stats_minute WHERE t < ?').run(now - 48 * 60 * minute);
  store.close();
  return rows;
}

async function statsBench(): Promise<void> {
  const redisServer = await startRedisServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'iat-bench-stats-'));
  try {
    const rows = seedBuckets(dataDir, Date.now());
    const bridge = await startBridge({ env: env(redisServer.url, dataDir) });
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const started = performance.now();
      const res = await fetch(`${bridge.url}/api/stats?range=30d`, { headers: { authorization: `Bearer ${TOKEN}` } });
      await res.arrayBuffer();
      if (i >= 10) times.push(performance.now() - started);
    }
    await bridge.stop();
    // The route reuses an answer for 10 s; the cost of computing one, for the record.
    const store = Store.open(dataDir);
    const stats = new StatsService(store);
    const computed: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      JSON.stringify(stats.stats('30d', undefined));
      computed.push(performance.now() - started);
    }
    store.close();
    const p50 = percentile(times, 50);
    log(
      `GET /api/stats?range=30d (${QUEUES.length} queues, ${rows.toLocaleString('en')} ten-minute deltas): ` +
        `p50 ${p50.toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms (budget p50 < 20 ms) ${verdict(p50 < 20)}; ` +
        `computing one answer uncached: p50 ${percentile(computed, 50).toFixed(1)} ms`,
    );
  } finally {
    await redisServer.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
};

async function soakBench(): Promise<void> {
  const redisServer = await startRedisServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'iat-bench-soak-'));
  const port = await freePort();
  const bundle = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  const child = spawn(process.execPath, [...BRIDGE_NODE_FLAGS, bundle], {
    env: { ...process.env, ...BRIDGE_NODE_ENV, ...env(redisServer.url, dataDir, port), POLL_INTERVAL_MS: '2000' },
    stdio: 'ignore',
  });
  const worker = await startWorker({
    redisUrl: redisServer.url,
    queue: 'thumbnailGeneration',
    behavior: 'complete',
    durationMs: 20,
    concurrency: 4,
  });
  const queue = openImmichQueue(redisServer.url, 'thumbnailGeneration');
  try {
    const started = Date.now();
    const samples: number[] = [];
    let added = 0;
    let nextSample = started + 10_000;
    while (Date.now() - started < SOAK_MINUTES * 60_000) {
      const due = Math.floor(((Date.now() - started) / 60_000) * JOBS_PER_MINUTE);
      if (due > added) {
        await queue.addBulk(
          Array.from({ length: due - added }, (_, i) => ({
            name: 'AssetGenerateThumbnails',
            data: { id: `s${added + i}` },
          })),
        );
        added = due;
      }
      if (Date.now() >= nextSample) {
        samples.push(rssMb(child.pid!));
        nextSample += 10_000;
      }
      await sleep(100);
    }
    const last = rssMb(child.pid!);
    log(
      `bridge RSS after ${SOAK_MINUTES} min at ${JOBS_PER_MINUTE.toLocaleString('en')} jobs/min (bundle, heap capped at 64 MB): ` +
        `${last.toFixed(1)} MB, peak ${Math.max(last, ...samples).toFixed(1)} MB (budget < 80 MB) ${verdict(last < 80)}`,
    );
  } finally {
    child.kill('SIGTERM');
    await queue.close();
    await worker.close();
    await redisServer.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await ingestBench();
await statsBench();
await soakBench();
process.exit(0);

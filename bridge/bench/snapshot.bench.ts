/**
 * `pnpm bench`: the snapshot tick and GET /api/queues under DESIGN.md's load
 * (19 queues, 100k waiting, 50 active jobs held by live workers), on a private redis-server.
 * Budgets: tick ≤ 2 round trips and p50 ≤ 3 ms; GET /api/queues p99 < 10 ms at 200 req/s; bridge RSS < 80 MB.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { QUEUES } from '@immich-admin-tools/shared';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { openImmichQueue } from '../../sim/src/bull/immich-queues.ts';
import { startWorker, type SimWorker } from '../../sim/src/bull/workers.ts';
import { freePort, startRedisServer } from '../../sim/src/redis/redis-server.ts';
import { AssetCache } from '../src/assets/asset-cache.ts';
import { QueueRepository } from '../src/redis/queue.repository.ts';
import { SnapshotService } from '../src/snapshot/snapshot.service.ts';

const WAITING = 100_000;
const ACTIVE = 50;
const TICKS = 1000;
const RATE = 200;
const HTTP_SECONDS = 5;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;
const log = (line: string) => process.stdout.write(`${line}\n`);

const redisServer = await startRedisServer();
const workers: SimWorker[] = [];
try {
  log(`seeding ${QUEUES.length} queues, ${WAITING} waiting, ${ACTIVE} active…`);
  const started = Date.now();
  const perQueue = Math.ceil(WAITING / QUEUES.length);
  for (const info of QUEUES) {
    const queue = openImmichQueue(redisServer.url, info.name);
    for (let offset = 0; offset < perQueue; offset += 5000) {
      const size = Math.min(5000, perQueue - offset);
      await queue.addBulk(
        Array.from({ length: size }, (_, i) => ({
          name: 'AssetGenerateThumbnails',
          data: { id: `asset-${offset + i}` },
        })),
      );
    }
    await queue.pause(); // keep the waiting jobs waiting while workers take only the active ones
    await queue.close();
  }
  // 50 active jobs held by live, hung workers across ten queues.
  const hungQueues = QUEUES.slice(0, 10).map((q) => q.name);
  for (const name of hungQueues) {
    const queue = openImmichQueue(redisServer.url, name);
    await queue.resume();
    const worker = await startWorker({
      redisUrl: redisServer.url,
      queue: name,
      behavior: 'hang',
      concurrency: ACTIVE / hungQueues.length,
    });
    workers.push(worker);
    await worker.waitForActive(ACTIVE / hungQueues.length, 30_000);
    await queue.pause();
    await queue.close();
  }
  log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // --- the tick, in process, counting socket writes (one write + its replies = one round trip) ---
  const redis = new Redis(redisServer.url);
  const repository = new QueueRepository(redis);
  const silent = pino({ level: 'silent' });
  const snapshots = new SnapshotService(
    repository,
    new AssetCache(null, silent),
    {
      pollIntervalMs: 2000,
      stuckThresholds: {},
      excludedQueues: new Set(),
    },
    silent,
  );
  await snapshots.tick(); // discovery (SCAN, once a minute) and script load happen here, not per tick
  const stream = (redis as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
  const write = stream.write.bind(stream);
  let writes = 0;
  stream.write = (...args: unknown[]) => {
    writes++;
    return write(...args);
  };
  const durations: number[] = [];
  let maxWrites = 0;
  for (let i = 0; i < TICKS; i++) {
    writes = 0;
    const t0 = performance.now();
    await snapshots.tick();
    durations.push(performance.now() - t0);
    maxWrites = Math.max(maxWrites, writes);
  }
  const snapshot = snapshots.snapshot!;
  const active = snapshot.queues.reduce((n, q) => n + q.counts.active, 0);
  const waiting = snapshot.queues.reduce((n, q) => n + q.counts.waiting + q.counts.paused, 0);
  log('');
  log(`snapshot tick (${snapshot.queues.length} queues, ${waiting} waiting, ${active} active, ${TICKS} ticks)`);
  log(
    `  p50 ${ms(percentile(durations, 50))}   p99 ${ms(percentile(durations, 99))}   round trips ${maxWrites}   (budget: p50 ≤ 3 ms, ≤ 2 round trips)`,
  );
  await snapshots.stop();

  // --- detection: from a job crossing its threshold to the first snapshot that calls it hung ---
  const THRESHOLD_S = 3;
  const detector = new SnapshotService(
    repository,
    new AssetCache(null, silent),
    {
      pollIntervalMs: 2000,
      stuckThresholds: { workflow: THRESHOLD_S },
      excludedQueues: new Set(),
    },
    silent,
  );
  const workflow = openImmichQueue(redisServer.url, 'workflow');
  await workflow.resume();
  const hungWorker = await startWorker({
    redisUrl: redisServer.url,
    queue: 'workflow',
    behavior: 'hang',
    concurrency: 1,
  });
  workers.push(hungWorker);
  const [hungId] = await hungWorker.waitForActive(1, 30_000);
  await workflow.pause();
  await workflow.close();
  const processedOn = Number(await redis.hget(`immich_bull:workflow:${hungId}`, 'processedOn'));
  const detected = new Promise<number>((resolve) => {
    detector.onSnapshot((snap) => {
      const job = snap.queues.find((q) => q.name === 'workflow')?.stuckJobs.find((j) => j.jobId === hungId);
      if (job?.state === 'hung') resolve(snap.redisNow);
    });
  });
  detector.start();
  const detectedAt = await detected;
  await detector.stop();
  log('');
  log(
    `detection: hung ${((detectedAt - processedOn - THRESHOLD_S * 1000) / 1000).toFixed(2)} s after crossing a ${THRESHOLD_S} s threshold (poll interval 2 s; budget: within one interval)`,
  );
  redis.disconnect();

  // --- GET /api/queues from a bridge process, at a steady 200 req/s ---
  const port = await freePort();
  const token = 'bench-token-0123456789abcdef';
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const bridge = spawn(join(root, 'node_modules/.bin/tsx'), ['bridge/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      REDIS_URL: redisServer.url,
      BRIDGE_TOKEN: token,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'iat-bench-')),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const url = `http://127.0.0.1:${port}/api/queues`;
    const headers = { authorization: `Bearer ${token}` };
    for (let i = 0; ; i++) {
      const ok = await fetch(url, { headers }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 150) throw new Error('bridge did not start');
      await sleep(100);
    }
    for (let i = 0; i < 50; i++) await (await fetch(url, { headers })).arrayBuffer(); // warm up
    const latencies: number[] = [];
    let bytes = 0;
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < RATE * HTTP_SECONDS; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(
        (async () => {
          const start = performance.now();
          const res = await fetch(url, { headers });
          bytes = (await res.arrayBuffer()).byteLength;
          latencies.push(performance.now() - start);
        })(),
      );
    }
    await Promise.all(pending);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${bridge.pid}/status`, 'utf8'))?.[1] ?? 0);
    log('');
    log(
      `GET /api/queues at ${RATE} req/s for ${HTTP_SECONDS} s (${latencies.length} requests, ${(bytes / 1024).toFixed(0)} kB each)`,
    );
    log(`  p50 ${ms(percentile(latencies, 50))}   p99 ${ms(percentile(latencies, 99))}   (budget: p99 < 10 ms)`);
    log(`bridge process RSS ${(rssKb / 1024).toFixed(0)} MB (budget < 80 MB; includes the tsx loader)`);
  } finally {
    bridge.kill('SIGTERM');
  }
} finally {
  await Promise.all(workers.map((w) => w.close()));
  await redisServer.dispose();
}

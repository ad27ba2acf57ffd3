/**
 * `pnpm bench` (bridge part), on a private redis-server with DESIGN.md's Immich-like data (seed.ts):
 * - the snapshot tick: p50 and round trips, and what it costs Redis (CPU per 2 s with no HTTP load);
 * - side by side with bull-board (@bull-board/api + @bull-board/hono, default options) on the same Redis:
 *   the bridge's GET /api/queues (from the bundle, heap capped) against bull-board's queue list, at 10
 *   connections and at a fixed 200 req/s; server CPU per request, Redis commands per response, RSS;
 *   and what it takes each to show every active job with its age;
 * - detection delay of a hung job;
 * - 60 s at 200 req/s on /api/queues, /api/status and the SSE stream while 5 000 jobs/min run.
 * Each budget is printed with "ok" or MISSED. The machine's other load shows in every figure: compare
 * figures from one run, not across runs.
 */
import { Agent, get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { QUEUES } from '@immich-admin-tools/shared';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { openImmichQueue } from '../../sim/src/bull/immich-queues.ts';
import { startWorker, type SimWorker } from '../../sim/src/bull/workers.ts';
import { startRedisServer } from '../../sim/src/redis/redis-server.ts';
import { AssetCache } from '../src/assets/asset-cache.ts';
import { RedisLink } from '../src/redis/connection.ts';
import { QueueRepository } from '../src/redis/queue.repository.ts';
import { SnapshotService } from '../src/snapshot/snapshot.service.ts';
import { startBullBoard, startBundledBridge, type ServerProcess } from './processes.ts';
import { HUNG_QUEUES, seedImmichLike } from './seed.ts';

const TICKS = 1000;
const RATE = 200;
const CANNON_SECONDS = 10;
const FIXED_SECONDS = 10;
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const JOBS_PER_MINUTE = 5000;
const TOKEN = 'bench-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
/** bull-board's list as its UI polls it (no queue opened: counts of every queue, no jobs). */
const BOARD_LIST = '/ui/api/queues?activeQueue=&page=1&jobsPerPage=10';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;
const log = (line: string) => process.stdout.write(`${line}\n`);
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** Redis' own CPU (user + system, µs resolution) and every command it ran, nested script calls included. */
async function redisCounters(redis: Redis): Promise<{ cpuMs: number; calls: number }> {
  const cpu = await redis.info('cpu');
  const used = (field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
  const stats = await redis.info('commandstats');
  let calls = 0;
  for (const m of stats.matchAll(/calls=(\d+)/g)) calls += Number(m[1]);
  return { cpuMs: (used('used_cpu_user') + used('used_cpu_sys')) * 1000, calls };
}

/** Open-loop load at a fixed rate over keep-alive sockets; latencies measured to the last byte. */
async function fixedRate(url: string, headers: Record<string, string>, rate: number, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 20 });
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const start = performance.now();
    pending.push(
      new Promise<void>((resolve) => {
        get(url, { agent, headers }, (res) => {
          if (res.statusCode !== 200) non2xx++;
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - start);
            resolve();
          });
        }).on('error', () => {
          errors++;
          resolve();
        });
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return { latencies, errors, non2xx, requests: rate * seconds };
}

const redisServer = await startRedisServer();
const redis = new Redis(redisServer.url);
const workers: SimWorker[] = [];
const servers: ServerProcess[] = [];
try {
  log(`seeding ${QUEUES.length} queues, 100000 waiting, 50 active (live locks), 300 failed…`);
  const seededAt = Date.now();
  workers.push(...(await seedImmichLike(redisServer.url)));
  log(`seeded in ${((Date.now() - seededAt) / 1000).toFixed(1)} s; ${await redis.dbsize()} keys`);

  // --- the tick, in process, counting socket writes (one write + its replies = one round trip) ---
  const silent = pino({ level: 'silent' });
  const tickClient = new Redis(redisServer.url);
  const repository = new QueueRepository(new RedisLink(tickClient, silent));
  const newService = (stuckThresholds: Record<string, number> = {}) =>
    new SnapshotService(
      repository,
      new AssetCache(null, silent),
      { pollIntervalMs: 2000, stuckThresholds, excludedQueues: new Set() },
      silent,
    );
  const snapshots = newService();
  const discoveryStart = performance.now();
  await snapshots.tick(); // the one full discovery SCAN, at start-up, and the scripts' load happen here
  const fullScanMs = performance.now() - discoveryStart;
  const stream = (tickClient as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
  const write = stream.write.bind(stream);
  let writes = 0;
  stream.write = (...args: unknown[]) => {
    writes++;
    return write(...args);
  };
  // Redis' CPU with nothing but the sim workers, then with back-to-back ticks: the difference is the ticks'.
  const idleFrom = await redisCounters(redis);
  const idleStart = performance.now();
  await sleep(3000);
  const idleTo = await redisCounters(redis);
  const idleCpuPerMs = (idleTo.cpuMs - idleFrom.cpuMs) / (performance.now() - idleStart);
  const idleCallsPerMs = (idleTo.calls - idleFrom.calls - 2) / (performance.now() - idleStart);
  const durations: number[] = [];
  let maxWrites = 0;
  const tickFrom = await redisCounters(redis);
  const ticksStart = performance.now();
  for (let i = 0; i < TICKS; i++) {
    writes = 0;
    const t0 = performance.now();
    await snapshots.tick();
    durations.push(performance.now() - t0);
    maxWrites = Math.max(maxWrites, writes);
  }
  const ticksWall = performance.now() - ticksStart;
  const tickTo = await redisCounters(redis);
  const cpuPerTick = (tickTo.cpuMs - tickFrom.cpuMs - idleCpuPerMs * ticksWall) / TICKS;
  const callsPerTick = (tickTo.calls - tickFrom.calls - idleCallsPerMs * ticksWall) / TICKS;
  const snapshot = snapshots.snapshot!;
  const active = snapshot.queues.reduce((n, q) => n + q.counts.active, 0);
  const waiting = snapshot.queues.reduce((n, q) => n + q.counts.waiting + q.counts.paused, 0);
  const p50 = percentile(durations, 50);
  log('');
  log(`snapshot tick (${snapshot.queues.length} queues, ${waiting} waiting, ${active} active, ${TICKS} ticks)`);
  log(
    `  p50 ${ms(p50)}   p99 ${ms(percentile(durations, 99))}   round trips ${maxWrites}   (budget: p50 ≤ 3 ms, ≤ 2 round trips: ${verdict(p50 <= 3 && maxWrites <= 2)})`,
  );
  log(
    `  Redis CPU per tick ${ms(cpuPerTick)} = per 2 s with no HTTP load, one discovery SCAN step included; ${callsPerTick.toFixed(0)} commands (budget ≤ 1 ms: ${verdict(cpuPerTick <= 1)})`,
  );
  log(`  start-up discovery (one full SCAN of ${await redis.dbsize()} keys, once): ${ms(fullScanMs)} wall`);
  await snapshots.stop();

  // --- side by side with bull-board ---
  const bridge = await startBundledBridge(redisServer.url, TOKEN);
  const board = await startBullBoard(redisServer.url);
  servers.push(bridge, board);
  await sleep(3000); // both settled: the bridge's first ticks, bull-board's queues connected
  const targets = [
    { server: bridge, path: '/api/queues', headers: AUTH },
    { server: board, path: BOARD_LIST, headers: {} },
  ];
  const rssIdle = targets.map((t) => t.server.rssMb());
  const idleCalls = await (async () => {
    const from = await redisCounters(redis);
    const t0 = performance.now();
    await sleep(4000);
    const to = await redisCounters(redis);
    return (to.calls - from.calls - 2) / (performance.now() - t0);
  })();

  interface Figures {
    rps: number;
    p50: number;
    p99: number;
    cpuPerReq: number;
    callsPerResponse: number;
    bytes: number;
    errors: number;
  }
  const atTen: Figures[] = [];
  for (const t of targets) {
    const url = `${t.server.url}${t.path}`;
    const bytes = (await (await fetch(url, { headers: t.headers })).arrayBuffer()).byteLength;
    await autocannon({ url, headers: t.headers, connections: 10, duration: 2 }); // warm up
    const cpu0 = t.server.cpuMs();
    const r0 = await redisCounters(redis);
    const t0 = performance.now();
    const result = await autocannon({ url, headers: t.headers, connections: 10, duration: CANNON_SECONDS });
    const wall = performance.now() - t0;
    const r1 = await redisCounters(redis);
    const ok = result['2xx'];
    atTen.push({
      rps: ok / (wall / 1000),
      p50: result.latency.p50,
      p99: result.latency.p99,
      cpuPerReq: (t.server.cpuMs() - cpu0) / Math.max(1, ok),
      // Beyond what Redis runs anyway (workers, the bridge's own ticks): what answering costs it.
      callsPerResponse: Math.max(0, (r1.calls - r0.calls - idleCalls * wall) / Math.max(1, ok)),
      bytes,
      errors: result.errors + result.timeouts + result.non2xx,
    });
  }
  const atRate = [];
  for (const t of targets) {
    const cpu0 = t.server.cpuMs();
    const run = await fixedRate(`${t.server.url}${t.path}`, t.headers, RATE, FIXED_SECONDS);
    atRate.push({
      p50: percentile(run.latencies, 50),
      p99: percentile(run.latencies, 99),
      cpuPerReq: (t.server.cpuMs() - cpu0) / run.requests,
      errors: run.errors + run.non2xx,
      rss: t.server.rssMb(),
    });
  }
  const [b10, g10] = atTen as [Figures, Figures];
  const [bRate, gRate] = atRate as [(typeof atRate)[number], (typeof atRate)[number]];
  log('');
  log('GET /api/queues (bridge bundle, heap 64 MB) against bull-board GET /ui/api/queues, same Redis, same data');
  log(`  ${''.padEnd(34)}${'bridge'.padStart(14)}${'bull-board'.padStart(14)}${'ratio'.padStart(10)}`);
  const row = (label: string, a: number, b: number, digits = 2, ratio = true) =>
    log(
      `  ${label.padEnd(34)}${a.toFixed(digits).padStart(14)}${b.toFixed(digits).padStart(14)}${ratio ? `${(b / a).toFixed(1)}×`.padStart(10) : ''}`,
    );
  row('10 connections: full 200s per s', b10.rps, g10.rps, 0, false);
  row('  p50 / p99 ms (autocannon, 1 ms steps)', b10.p50, g10.p50, 0, false);
  row('', b10.p99, g10.p99, 0, false);
  row('  server CPU per request, ms', b10.cpuPerReq, g10.cpuPerReq, 3);
  row('  Redis commands per response', b10.callsPerResponse, g10.callsPerResponse, 2, false);
  row('  response size, kB', b10.bytes / 1024, g10.bytes / 1024, 1, false);
  row('  errors', b10.errors, g10.errors, 0, false);
  row(`${RATE} req/s for ${FIXED_SECONDS} s: p50 ms`, bRate.p50, gRate.p50, 2, false);
  row('  p99 ms', bRate.p99, gRate.p99, 2, false);
  row('  server CPU per request, ms', bRate.cpuPerReq, gRate.cpuPerReq, 3);
  row('  errors', bRate.errors, gRate.errors, 0, false);
  row('RSS idle, MB', rssIdle[0]!, rssIdle[1]!, 0, false);
  row('RSS after the load, MB', bRate.rss, gRate.rss, 0, false);
  const throughputRatio = b10.rps / g10.rps;
  log(`  throughput ${throughputRatio.toFixed(0)}× bull-board (budget ≥ 100×: ${verdict(throughputRatio >= 100)})`);
  log(`  server CPU ${b10.cpuPerReq.toFixed(3)} ms a request (budget ≤ 0.03 ms: ${verdict(b10.cpuPerReq <= 0.03)})`);
  log(`  p99 at ${RATE} req/s ${ms(bRate.p99)} (budget < 5 ms: ${verdict(bRate.p99 < 5)})`);
  log(`  RSS under that load ${bRate.rss.toFixed(0)} MB (budget < 80 MB: ${verdict(bRate.rss < 80)})`);

  // --- every active job with its age: one call to the bridge, one per queue to bull-board ---
  const timed = async (urls: string[], headers: Record<string, string>) => {
    const t0 = performance.now();
    let bytes = 0;
    for (const url of urls) bytes += (await (await fetch(url, { headers })).arrayBuffer()).byteLength;
    return { ms: performance.now() - t0, bytes };
  };
  const bridgeJobs = await timed([`${bridge.url}/api/queues`], AUTH);
  const boardUrls = HUNG_QUEUES.map(
    (q) => `${board.url}/ui/api/queues?activeQueue=${q}&status=active&page=1&jobsPerPage=50`,
  );
  const boardJobs = await timed(boardUrls, {});
  log('');
  log('every active job with its age');
  log(
    `  bridge: 1 call, ${ms(bridgeJobs.ms)}, ${(bridgeJobs.bytes / 1024).toFixed(0)} kB (ages from Redis TIME, states classified)`,
  );
  log(
    `  bull-board: ${boardUrls.length} calls (one per queue with active jobs), ${ms(boardJobs.ms)}, ${(boardJobs.bytes / 1024).toFixed(0)} kB (processedOn only: ages on the browser's clock)`,
  );
  await board.stop();

  // --- detection: from a job crossing its threshold to the first snapshot that calls it hung ---
  const THRESHOLD_S = 3;
  const detector = newService({ workflow: THRESHOLD_S });
  const workflow = openImmichQueue(redisServer.url, 'workflow');
  await workflow.resume();
  const hungWorker = await startWorker({ redisUrl: redisServer.url, queue: 'workflow', behavior: 'hang' });
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
  const lag = ((await detected) - processedOn - THRESHOLD_S * 1000) / 1000;
  await detector.stop();
  tickClient.disconnect();
  log('');
  log(
    `detection: hung ${lag.toFixed(2)} s after crossing a ${THRESHOLD_S} s threshold (budget: within one 2 s interval: ${verdict(lag <= 2)})`,
  );

  // --- load: 200 req/s on /api/queues and /api/status and SSE clients, while 5 000 jobs/min run ---
  const busy = 'integrityCheck';
  const busyQueue = openImmichQueue(redisServer.url, busy);
  await busyQueue.drain();
  await busyQueue.resume();
  workers.push(
    await startWorker({ redisUrl: redisServer.url, queue: busy, behavior: 'complete', durationMs: 20, concurrency: 5 }),
  );
  let added = 0;
  let producing = true;
  const producer = (async () => {
    const t0 = performance.now();
    while (producing) {
      const due = Math.floor(((performance.now() - t0) / 60_000) * JOBS_PER_MINUTE) - added;
      if (due > 0) {
        await busyQueue.addBulk(
          Array.from({ length: due }, (_, i) => ({ name: 'IntegrityCheck', data: { id: `load-${added + i}` } })),
        );
        added += due;
      }
      await sleep(100);
    }
  })();
  await sleep(2000);
  const sse = await fetch(`${bridge.url}/api/events`, { headers: AUTH }).then(
    async (r) => {
      await r.body?.cancel();
      return r.status;
    },
    () => 0,
  );
  const sseClients = 5;
  const sseAbort = new AbortController();
  const sseEvents = { snapshots: 0, bytes: 0 };
  const sseRuns =
    sse === 200
      ? Array.from({ length: sseClients }, async () => {
          const res = await fetch(`${bridge.url}/api/events`, { headers: AUTH, signal: sseAbort.signal });
          const reader = res.body!.getReader();
          const decoder = new TextDecoder();
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              sseEvents.bytes += value.byteLength;
              sseEvents.snapshots += decoder.decode(value).split('event: snapshot').length - 1;
            }
          } catch {
            // aborted at the end of the run
          }
        })
      : [];
  const cpu0 = bridge.cpuMs();
  const cannon = (path: string) =>
    autocannon({
      url: `${bridge.url}${path}`,
      headers: AUTH,
      connections: 10,
      overallRate: RATE,
      duration: LOAD_SECONDS,
    });
  const [queuesRun, statusRun] = await Promise.all([cannon('/api/queues'), cannon('/api/status')]);
  const cpuMs = bridge.cpuMs() - cpu0;
  const rssLoad = bridge.rssMb();
  sseAbort.abort();
  await Promise.all(sseRuns);
  producing = false;
  await producer;
  await busyQueue.close();
  log('');
  log(`load: ${LOAD_SECONDS} s, ${RATE} req/s on each endpoint, ${added} jobs added (${JOBS_PER_MINUTE}/min) and run`);
  for (const [path, r] of [
    ['/api/queues', queuesRun],
    ['/api/status', statusRun],
  ] as const) {
    log(
      `  ${path.padEnd(12)} ${r.requests.total} requests, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors + r.timeouts + r.non2xx}`,
    );
  }
  log(
    sse === 200
      ? `  /api/events  ${sseClients} SSE clients, ${sseEvents.snapshots} snapshot events (${(sseEvents.bytes / 1024 / 1024).toFixed(1)} MB)`
      : `  /api/events  skipped (answered ${sse})`,
  );
  const totalRequests = queuesRun.requests.total + statusRun.requests.total;
  log(
    `  bridge CPU ${((cpuMs / (LOAD_SECONDS * 1000)) * 100).toFixed(1)} % of a core (${(cpuMs / totalRequests).toFixed(3)} ms a request, ticks included); RSS ${rssLoad.toFixed(0)} MB (budget < 80 MB: ${verdict(rssLoad < 80)})`,
  );
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  // A worker whose locks were lost under load can take long to close: the bench ends anyway.
  await Promise.race([Promise.all(workers.map((w) => w.close())), sleep(10_000)]);
  redis.disconnect();
  await redisServer.dispose();
}
// Anything still open (a worker's timers) must not keep the bench from ending.
process.exit(process.exitCode ?? 0);

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../sim/src/redis/redis-server.ts';

/** Server processes the bench measures from outside: CPU and RSS from /proc, as `process.cpuUsage` would inside. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const TICKS_PER_SECOND = 100;

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** user + system CPU so far, ms (10 ms resolution). */
  cpuMs(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

async function started(
  name: string,
  child: ChildProcess,
  port: number,
  probe: string,
  headers: Record<string, string>,
) {
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    const ok = await fetch(`${url}${probe}`, { headers }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 300) throw new Error(`${name} did not start`);
    await sleep(100);
  }
  const pid = child.pid!;
  return {
    name,
    url,
    pid,
    cpuMs() {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    },
    rssMb() {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      return kb / 1024;
    },
    /** SIGTERM, and SIGKILL if it has not exited 5 s later (a bench must end). */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  } satisfies ServerProcess;
}

/**
 * Node flags the bridge runs with (`pnpm bridge`, the image): old space capped, a small young generation
 * (which otherwise grows to 3 × 16 MB under load and shows in RSS as if it were a leak), and V8 favouring
 * size over speed (about 8 MB less RSS under load for about 10 % more CPU a request).
 */
export const BRIDGE_NODE_FLAGS = ['--max-old-space-size=64', '--max-semi-space-size=2', '--optimize-for-size'];
/**
 * glibc malloc: one arena (per-thread arenas kept about 8 MB that a burst of requests had used once), and
 * fixed mmap and trim thresholds: by default each large buffer freed raises both, up to 32 MB, so memory a
 * burst used stays mapped (3–4 MB of RSS under the bench's load).
 */
export const BRIDGE_NODE_ENV = {
  MALLOC_ARENA_MAX: '1',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/** The bridge as the image runs it: the esbuild bundle under plain node, with BRIDGE_NODE_FLAGS (see build.ts). */
export async function startBundledBridge(redisUrl: string, token: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...BRIDGE_NODE_FLAGS, join(ROOT, 'bridge/dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...BRIDGE_NODE_ENV,
      REDIS_URL: redisUrl,
      BRIDGE_TOKEN: token,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'iat-bench-')),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      POLL_INTERVAL_MS: '2000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return started('bridge', child, port, '/api/queues', { authorization: `Bearer ${token}` });
}

/** bull-board with its Hono adapter (bull-board.server.ts), under node with the tsx loader. */
export async function startBullBoard(redisUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bridge/bench/bull-board.server.ts')], {
    cwd: join(ROOT, 'bridge'),
    env: { ...process.env, REDIS_URL: redisUrl, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return started('bull-board', child, port, '/ui/api/queues', {});
}

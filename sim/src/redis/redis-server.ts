import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** A private, throw-away `redis-server` on a free loopback port, for tests and the demo. */
export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGTERM); data is gone, like a restarted container without persistence (unless `appendonly`). */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill: with `appendonly` every acknowledged write survives a `start()`. */
  kill(): Promise<void>;
  /** SIGSTOP: the process freezes with its connections open, as a Redis stuck on a slow disk or in swap. */
  freeze(): void;
  /** SIGCONT after `freeze()`. */
  thaw(): void;
  /** Starts it again on the same port (and folder). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${url}: ${String(error)}`);
    } finally {
      client.disconnect();
    }
    await sleep(25);
  }
}

export interface RedisServerOptions {
  binary?: string;
  /** AOF with an fsync per write, so a SIGKILL loses nothing that was acknowledged. */
  appendonly?: boolean;
  /** Allows `DEBUG SLEEP` (a slow Redis in fault tests). */
  debugCommand?: boolean;
  /**
   * Its own process group, out of reach of a terminal's Ctrl-C (which signals the whole foreground group): the
   * demo stops it last, after the workers that use it.
   */
  ownProcessGroup?: boolean;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'iat-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
    args.push(...(options.appendonly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
    if (options.debugCommand) args.push('--enable-debug-command', 'yes');
    const proc = spawn(options.binary ?? 'redis-server', args, {
      stdio: 'ignore',
      detached: options.ownProcessGroup ?? false,
    });
    child = proc;
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`))),
    );
    exited.catch(() => {});
    proc.once('error', () => {});
    await Promise.race([waitForPing(url, 10_000), exited]);
  };

  const signal = async (name: 'SIGTERM' | 'SIGKILL') => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(name);
      if (name === 'SIGTERM') proc.kill('SIGCONT'); // a frozen server handles SIGTERM only once it runs again
    });
  };
  const stop = () => signal('SIGTERM');

  await start();
  return {
    port,
    url,
    start,
    stop,
    kill: () => signal('SIGKILL'),
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

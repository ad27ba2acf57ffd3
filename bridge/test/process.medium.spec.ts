import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { runScript } from '../../sim/test/script-process.ts';

// `pnpm bridge` as a user runs it: a real child process in its own process group, signalled like Ctrl-C.

let redis: RedisServer;
let dataDir: string;
beforeAll(async () => {
  redis = await startRedisServer();
  dataDir = mkdtempSync(join(tmpdir(), 'iat-process-'));
});
afterAll(async () => {
  await redis.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('pnpm bridge', () => {
  it('prints where the generated token lives, and stops on Ctrl-C with exit 0 and no pnpm error', async () => {
    const port = await freePort();
    const bridge = runScript('pnpm', ['bridge'], {
      REDIS_URL: redis.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      BRIDGE_TOKEN: '',
      LOG_FORMAT: 'json',
    });
    await bridge.waitFor(/Generated BRIDGE_TOKEN/);
    expect(bridge.output()).toContain(`stored in ${join(dataDir, 'bridge-token')}`);
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);

    bridge.signalGroup('SIGINT');
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    expect(bridge.output()).toMatch(/"msg":"stopped"/);
    expect(bridge.output()).not.toMatch(/ELIFECYCLE|ERR_PNPM/);
  });

  it('says in one line that IMPORT_MODE_ORDER is refused, without a stack trace', async () => {
    const bridge = runScript(process.execPath, ['--import', 'tsx', 'bridge/src/main.ts'], {
      REDIS_URL: redis.url,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      IMPORT_MODE_ORDER: 'smartSearch',
    });
    expect((await bridge.exited).code).toBe(1);
    expect(bridge.output().trim()).toBe('Invalid configuration: IMPORT_MODE_ORDER: at least two queues');
  });

  it('says in one line that its port is taken, without a stack trace', async () => {
    const port = await freePort();
    const holder: Server = await new Promise((resolve) => {
      const server = createServer().listen(port, '127.0.0.1', () => resolve(server));
    });
    try {
      const bridge = runScript(process.execPath, ['--import', 'tsx', 'bridge/src/main.ts'], {
        REDIS_URL: redis.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      });
      expect((await bridge.exited).code).toBe(1);
      expect(bridge.output().trim()).toBe(
        `Cannot start: port ${port} on 127.0.0.1 is already in use (another bridge or demo?); stop it or set PORT to a free port`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

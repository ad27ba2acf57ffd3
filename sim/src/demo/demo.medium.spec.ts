import { createServer, type Server } from 'node:net';
import { expect, it } from 'vitest';
import { runScript } from '../../test/script-process.ts';
import { freePort } from '../redis/redis-server.ts';

// `pnpm demo --open` as a user runs it in a terminal without a display, while an earlier demo holds its port.
it('takes another port when its bridge port is busy, explains --open without a display, and stops on Ctrl-C', async () => {
  const busyPort = await freePort();
  const holder: Server = await new Promise((resolve) => {
    const server = createServer().listen(busyPort, '127.0.0.1', () => resolve(server));
  });
  try {
    const demo = runScript('pnpm', ['demo', '--open'], {
      DEMO_BRIDGE_PORT: String(busyPort),
      DEMO_IMMICH_PORT: String(await freePort()),
      DISPLAY: '',
      REDIS_URL: '',
    });
    await demo.waitFor(/pnpm demo --open` does all of this/, 80_000);
    const output = demo.output();
    const bridgeUrl = /Bridge {11}(http:\S+)/.exec(output)?.[1];
    expect(output).toContain(`Port ${busyPort} is in use`);
    expect(bridgeUrl).toBeDefined();
    expect(bridgeUrl).not.toContain(`:${busyPort}`);
    expect(output).toMatch(new RegExp(`3\\. .*\\n.*Bridge URL ${bridgeUrl}`));
    expect((await fetch(`${bridgeUrl}/api/health`)).status).toBe(200);
    expect(output).toContain('--open: no display ($DISPLAY is not set)');
    expect(output).not.toContain('turn stuck after 20 s');

    demo.signalGroup('SIGINT');
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    expect(demo.output()).toMatch(/\nstopped\n/);
    expect(demo.output()).not.toMatch(/ELIFECYCLE|ERR_PNPM|EADDRINUSE/);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
}, 120_000);

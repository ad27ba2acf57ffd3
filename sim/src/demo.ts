import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridgeProcess } from './demo/bridge-process.ts';
import { loadInstructions } from './demo/instructions.ts';
import { holdsImmichKeys } from './demo/redis-guard.ts';
import { startFakeImmich } from './fake-immich/app.ts';
import { freePort, startRedisServer } from './redis/redis-server.ts';
import { startDemoMix } from './scenarios/demo-mix.ts';
import { immichProfile } from './versions.ts';

// `pnpm demo`: a private Redis (or REDIS_URL), the fake Immich, every stuck state, and the bridge, wired together.
// DEMO_IMMICH=2.4 (any release of sim/src/versions.ts) imitates that Immich instead of 3.1.

const say = (text = '') => process.stdout.write(`${text}\n`);
const cleanups: (() => Promise<void>)[] = [];

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function portFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a port number (1-65535)`);
  return port;
}

async function main(): Promise<void> {
  const release = immichProfile(process.env.DEMO_IMMICH || undefined);
  let redisUrl = process.env.REDIS_URL;
  if (redisUrl) {
    if ((await holdsImmichKeys(redisUrl)) && process.env.DEMO_FORCE !== '1') {
      throw new Error(
        `${redisUrl} already holds immich_bull:* keys (a real Immich's Redis?). The demo writes jobs there, so it ` +
          'stops here. Unset REDIS_URL to use a private redis-server, or set DEMO_FORCE=1 if it is a throw-away one.',
      );
    }
  } else {
    const redis = await startRedisServer({ ownProcessGroup: true });
    cleanups.push(() => redis.dispose());
    redisUrl = redis.url;
  }

  const apiKey = randomBytes(24).toString('base64url');
  const immichPort = portFromEnv('DEMO_IMMICH_PORT', 2283);
  const immich = await startFakeImmich({
    redisUrl,
    apiKey,
    immich: release,
    port: (await portIsFree(immichPort)) ? immichPort : 0,
  });
  cleanups.push(() => immich.stop());

  say('Starting the simulated queues (hung, orphaned, paused, failed, dangling, busy)...');
  const mix = await startDemoMix({ redisUrl, immich: release });
  cleanups.push(() => mix.stop());

  const wantedBridgePort = portFromEnv('DEMO_BRIDGE_PORT', 2285);
  // A busy port (an earlier demo still running?) is said in one line, and another port taken instead.
  const bridgePort = (await portIsFree(wantedBridgePort)) ? wantedBridgePort : await freePort();
  const token = randomBytes(24).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'iat-demo-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  let bridgeUrl: string | undefined;
  let bridgeError: string | undefined;
  try {
    const bridge = await startBridgeProcess(
      {
        IMMICH_API_URL: immich.url,
        IMMICH_API_KEY: apiKey,
        REDIS_URL: redisUrl,
        BRIDGE_TOKEN: token,
        HOST: '127.0.0.1',
        PORT: String(bridgePort),
        DATA_DIR: dataDir,
        STUCK_THRESHOLDS: 'faceDetection=20,smartSearch=20,ocr=20',
      },
      bridgePort,
      join(dataDir, 'bridge.log'),
    );
    // Stopped before the Redis and Immich it talks to, so it does not log their disappearance.
    cleanups.push(() => bridge.stop());
    bridgeUrl = bridge.url;
  } catch (error) {
    bridgeError = error instanceof Error ? error.message : String(error);
  }

  say();
  if (bridgePort !== wantedBridgePort) {
    say(
      `Port ${wantedBridgePort} is in use (an earlier demo or bridge?): the bridge listens on ${bridgePort} instead.`,
    );
  }
  say('Immich Admin Tools demo is running. Ctrl-C stops everything.');
  say();
  say(`  Fake Immich      ${immich.url} (v${Object.values(release.version).join('.')})`);
  say(`  Its Jobs page    ${immich.url}/admin/queues`);
  if (bridgeUrl) {
    say(`  Bridge           ${bridgeUrl}`);
    say(`  Bridge token     ${token}`);
    say(`  Bridge log       ${join(dataDir, 'bridge.log')}`);
  } else {
    say();
    say(`  THE BRIDGE DID NOT START: ${bridgeError}`);
    say('  (the fake Immich and the simulated queues keep running)');
  }
  say(`  Redis            ${redisUrl}`);
  say();
  // Without a bridge the extension has nothing to connect to: no instructions that lead to a dead URL.
  if (!bridgeUrl) return;
  const demo = { name: 'Demo', immichUrl: immich.url, bridgeUrl, token };
  if (process.argv.includes('--open')) {
    if (!process.env.DISPLAY) {
      say('--open: no display ($DISPLAY is not set), so no browser to open. Load the extension by hand:');
    } else {
      say('Opening Chromium with the extension and the demo instance...');
      try {
        // Loaded only here: Playwright is a dev tool the rest of the demo does not need.
        const { openDemoBrowser } = await import('./demo/open-browser.ts');
        const browser = await openDemoBrowser(demo);
        cleanups.push(() => browser.close());
        say(`Chromium is open on ${immich.url}/admin/queues.`);
        return;
      } catch (error) {
        say(`--open: Chromium did not start (${error instanceof Error ? error.message : String(error)}).`);
      }
    }
  }
  for (const line of loadInstructions(demo)) say(line);
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Never hang on the way out (e.g. Redis already gone under a terminal's Ctrl-C): give up after 10 s.
  setTimeout(() => process.exit(code), 10_000).unref();
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => console.error(`[demo] cleanup: ${String(error)}`));
  }
  if (code === 0) say('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((error: unknown) => {
  console.error(`\n[demo] ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});

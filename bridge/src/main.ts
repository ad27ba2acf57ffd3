import { ConfigError, loadConfig } from './config.ts';
import { PortInUseError, startBridge, StoreError, type RunningBridge } from './bridge.ts';

// Only entry point: configuration and start-up errors become one line each and a non-zero exit; SIGINT and
// SIGTERM stop it cleanly with exit 0 (so `pnpm bridge` ends on Ctrl-C without ELIFECYCLE).

function fail(lines: string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(1);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  fail(error.problems.map((problem) => `Invalid configuration: ${problem}`));
}

const started = startBridge({ config });
let stopping = false;

/** A signal during start-up waits for it; a second signal (pnpm relays one more) changes nothing. */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const bridge = await started.catch(() => null);
  if (!bridge) return;
  bridge.logger.info({ signal }, 'stopping');
  setTimeout(() => fail(['the bridge did not stop within 10 s; exiting anyway']), 10_000).unref();
  await bridge.stop();
  bridge.logger.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

let bridge: RunningBridge | undefined;
try {
  bridge = await started;
} catch (error) {
  if (!(error instanceof PortInUseError || error instanceof StoreError)) throw error;
  fail([`Cannot start: ${error.message}`]);
}
if (bridge?.config.tokenFile && bridge.config.tokenGenerated && !stopping) {
  // Printed once, on the start that generated it; later starts read it from DATA_DIR.
  process.stdout.write(`\nGenerated BRIDGE_TOKEN (stored in ${bridge.config.tokenFile}):\n\n  ${bridge.token}\n\n`);
}

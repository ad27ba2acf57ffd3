import { ConfigError, loadConfig } from './config.ts';
import { startBridge } from './bridge.ts';

// Only entry point: turns configuration errors into one line per variable and a non-zero exit.
let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  for (const problem of error.problems) process.stderr.write(`Invalid configuration: ${problem}\n`);
  process.exit(1);
}

const bridge = await startBridge({ config });
if (config.tokenGenerated) {
  // Printed once, on the start that generated it; later starts read it from DATA_DIR.
  process.stdout.write(`\nGenerated BRIDGE_TOKEN (stored in ${config.dataDir}/bridge-token):\n\n  ${config.token}\n\n`);
}

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  bridge.logger.info({ signal }, 'stopping');
  void bridge.stop().then(() => process.exit(0));
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

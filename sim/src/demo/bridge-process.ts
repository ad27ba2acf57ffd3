import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export interface BridgeProcess {
  url: string;
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Runs `bridge/src/main.ts` as a child (as `tsx bridge/src/main.ts` would, but in one process so a signal reaches
 * the bridge itself) and resolves once `GET /api/health` answers; rejects with its output if it never does.
 */
export async function startBridgeProcess(
  env: Record<string, string>,
  port: number,
  logFile: string,
): Promise<BridgeProcess> {
  const child = spawn(process.execPath, ['--import', tsxLoader, 'bridge/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its logs go to a file (they would bury the demo's instructions); the tail is kept for a start-up error.
  const log = createWriteStream(logFile);
  let output = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    output = (output + chunk.toString()).slice(-4000);
  };
  let stopping = false;
  let started = false;
  child.once('exit', (code, signal) => {
    log.end();
    if (started && !stopping) console.error(`\n[demo] the bridge exited (${code ?? signal}); its log: ${logFile}`);
  });
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    stopping = true;
    return stopChild(child);
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const healthy = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) {
      started = true;
      return { url, stop };
    }
    await sleep(250);
  }
  const exitedEarly = child.exitCode !== null || child.signalCode !== null;
  await stop();
  if (exitedEarly) throw new Error(`the bridge exited during start-up. Its output:\n${output.trim() || '(none)'}`);
  throw new Error(`the bridge did not answer ${url}/api/health within 30 s. Its output:\n${output.trim() || '(none)'}`);
}

/** SIGTERM (the bridge shuts down cleanly on it), SIGKILL if it is still there after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

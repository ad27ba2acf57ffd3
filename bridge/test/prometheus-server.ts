import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../sim/src/redis/redis-server.ts';

/** Debian's package puts both here; CI (.ci/run) installs it. Missing means the tests fail, never skip. */
export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

/** Runs promtool; throws with its output when it is missing or fails. */
export function promtool(args: string[]): string {
  const run = spawnSync(PROMTOOL, args, { encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw new Error(`${PROMTOOL} did not run (${run.error.message}); install Debian's prometheus package`);
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0) throw new Error(`promtool ${args.join(' ')} failed:\n${output}`);
  return output;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusServer {
  url: string;
  query(expr: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

/** A private Prometheus on a free loopback port, scraping one target every second with a bearer token. */
export async function startPrometheus(opts: {
  target: string;
  token: string;
  jobName: string;
  ruleFiles?: string[];
}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'iat-prometheus-'));
  const port = await freePort();
  const config = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `rule_files: ${JSON.stringify(opts.ruleFiles ?? [])}`,
    'scrape_configs:',
    `  - job_name: ${JSON.stringify(opts.jobName)}`,
    '    metrics_path: /metrics',
    `    authorization: { credentials: ${JSON.stringify(opts.token)} }`,
    `    static_configs: [{ targets: [${JSON.stringify(opts.target)}] }]`,
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`${PROMETHEUS} did not start (${error.message}); install Debian's prometheus package`)),
    ),
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };

  const ready = (async () => {
    for (let i = 0; i < 150; i++) {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${log}`);
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).catch(() => null);
      if (res?.ok) return;
      await sleep(100);
    }
    throw new Error(`prometheus did not get ready:\n${log}`);
  })();
  // Whichever loses the race must not surface later as an unhandled rejection.
  ready.catch(() => {});
  spawnError.catch(() => {});
  try {
    await Promise.race([ready, spawnError]);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, {
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data: { resultType: string; result: PromSample[] };
      };
      if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
      return body.data.result;
    },
    stop,
  };
}

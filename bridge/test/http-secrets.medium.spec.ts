/**
 * Secrets never leave the bridge: the tokens, Immich's API key and the data of mail jobs (SendMail,
 * NotifyUserSignup) appear in no response and in no log line, at LOG_LEVEL=debug, across every endpoint,
 * the errors, and requests the parser rejects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendMailJob } from '../../sim/src/bull/immich-jobs.ts';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { startWorker, type SimWorker } from '../../sim/src/bull/workers.ts';
import { startFakeImmich, type FakeImmich } from '../../sim/src/fake-immich/app.ts';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { startBridge, type RunningBridge } from '../src/bridge.ts';
import { rawRequest } from './raw-http.ts';

const TOKEN = 'full-token-SECRET-7c1d9e2f4a';
const READ_TOKEN = 'read-token-SECRET-5b8e0a3c6d';
const API_KEY = 'immich-api-key-SECRET-91f3b2';
const SIGNUP_PASSWORD = 'SIGNUP-PASSWORD-SECRET-3e7a';
/** What must never show: each token, the key, and what the mail jobs carry (sendMailJob's reset tokens). */
const SECRETS = [TOKEN, READ_TOKEN, API_KEY, SIGNUP_PASSWORD, 'SIM-SECRET-RESET-TOKEN', 'jane+'];

let redisServer: RedisServer;
let immich: FakeImmich;
let bridge: RunningBridge;
let dataDir: string;
let immichStopped = false;
const workers: SimWorker[] = [];
const logLines: string[] = [];
const seen: string[] = [];

const signupJob = (index: number) => ({
  name: 'NotifyUserSignup',
  data: { id: `user-${index}`, password: SIGNUP_PASSWORD, notify: true },
});

beforeAll(async () => {
  redisServer = await startRedisServer();
  immich = await startFakeImmich({ redisUrl: redisServer.url, apiKey: API_KEY });
  // Failed mail jobs (their data is in the failed list the detail page pages through)...
  const failing = await startWorker({ redisUrl: redisServer.url, queue: 'notifications', behavior: 'fail' });
  await addImmichJobs(redisServer.url, 'notifications', [sendMailJob(1), signupJob(1)]);
  dataDir = mkdtempSync(join(tmpdir(), 'iat-secrets-'));
  bridge = await startBridge({
    env: {
      REDIS_URL: redisServer.url,
      BRIDGE_TOKEN: TOKEN,
      BRIDGE_READ_TOKEN: READ_TOKEN,
      IMMICH_API_URL: immich.url,
      IMMICH_API_KEY: API_KEY,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      POLL_INTERVAL_MS: '250',
      STUCK_THRESHOLDS: 'notifications=1',
    },
    logDestination: { write: (line: string) => void logLines.push(line) },
  });
  await until(
    async () =>
      (await json<{ queues: { name: string; counts: { failed: number } }[] }>('/api/queues')).queues.find(
        (q) => q.name === 'notifications',
      )?.counts.failed === 2,
  );
  await failing.close();
  // ...and mail jobs stuck in active, held by a worker that hangs.
  const hanging = await startWorker({
    redisUrl: redisServer.url,
    queue: 'notifications',
    behavior: 'hang',
    concurrency: 3,
  });
  workers.push(hanging);
  await addImmichJobs(redisServer.url, 'notifications', [sendMailJob(2), sendMailJob(3), signupJob(2)]);
  await hanging.waitForActive(3);
  await until(async () => {
    const queues = (await json<{ queues: { name: string; stuckJobs: unknown[] }[] }>('/api/queues')).queues;
    return queues.find((q) => q.name === 'notifications')?.stuckJobs.length === 3;
  });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await bridge?.stop();
  if (!immichStopped) await immich?.stop();
  await redisServer?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every request of this file goes through here, so every answer (headers and body) is checked. */
async function call(path: string, init: RequestInit & { token?: string | null; reflects?: boolean } = {}) {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? TOKEN}`);
  const res = await fetch(`${bridge.url}${path}`, { ...init, headers });
  const text = await res.text();
  // An error may quote the queue name or job id the caller sent: that is the caller's own text, not a leak.
  if (!init.reflects) seen.push(`${res.status} ${JSON.stringify([...res.headers])} ${text}`);
  return { status: res.status, text };
}

async function json<T>(path: string): Promise<T> {
  return JSON.parse((await call(path)).text) as T;
}

it('shows no token, API key or mail-job data in any answer or log line', async () => {
  const post = (path: string, body: unknown, token?: string) =>
    call(path, { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  // Reads, with each token.
  for (const token of [TOKEN, READ_TOKEN]) {
    for (const path of ['/api/status', '/api/queues', '/api/queues/notifications', '/api/history', '/api/stats']) {
      await call(path, { token });
    }
    await call('/metrics', { token });
  }
  await call('/api/health', { token: null });
  const detail = JSON.parse((await call('/api/queues/notifications')).text) as {
    activeJobs: { jobId: string; name: string }[];
    failedJobs: unknown[];
  };
  // The jobs are there, by name: only their data is withheld.
  expect(detail.activeJobs.map((j) => j.name).sort()).toEqual(['NotifyUserSignup', 'SendMail', 'SendMail']);
  expect(detail.failedJobs).toHaveLength(2);
  // ...and Redis does hold what must not show.
  const redis = new Redis(redisServer.url);
  const hashes = await Promise.all(
    detail.activeJobs.map((j) => redis.hget(`immich_bull:notifications:${j.jobId}`, 'data')),
  );
  redis.disconnect();
  expect(hashes.join()).toContain(SIGNUP_PASSWORD);
  expect(hashes.join()).toContain('SIM-SECRET-RESET-TOKEN');

  // Refusals: wrong, partial and read-only tokens, a token in the wrong place.
  await call('/api/status', { token: `${TOKEN}x` });
  await call('/api/status', { token: TOKEN.slice(0, 12) });
  await call('/api/status', { token: null, headers: { authorization: `Basic ${TOKEN}` } });
  await call(`/api/queues/notifications?token=${TOKEN}`, { token: null });
  await post('/api/queues/notifications/clear-stuck', { mode: 'fail' }, READ_TOKEN);
  await post('/api/actions/clear-all-stuck', { mode: 'nuke', token: TOKEN });
  await call('/api/actions/clear-all-stuck', { method: 'POST', body: JSON.stringify({ mode: TOKEN }) });
  await call(`/api/queues/${TOKEN}/pause`, { method: 'POST', reflects: true });

  // Actions on the mail jobs, and the Immich calls (sent with the API key).
  const [first, ...rest] = detail.activeJobs;
  expect((await post(`/api/queues/notifications/jobs/${first!.jobId}/clear`, { mode: 'fail' })).status).toBe(200);
  expect(
    (await post('/api/queues/notifications/clear-stuck', { mode: 'retry', jobIds: rest.map((j) => j.jobId) })).status,
  ).toBe(200);
  expect((await call('/api/queues/notifications/pause', { method: 'POST' })).status).toBe(200);
  expect((await call('/api/queues/notifications/resume', { method: 'POST' })).status).toBe(200);
  await call('/api/queues/notifications/failed/retry', { method: 'POST' });
  await call('/api/queues/notifications/failed/clear', { method: 'POST' });
  await call('/api/assets/00000000-0000-4000-8000-000000000000/thumbnail');

  // Immich gone: the errors must not quote the key either.
  await immich.stop();
  immichStopped = true;
  await call('/api/queues/notifications/pause', { method: 'POST' });
  await call('/api/assets/00000000-0000-4000-8000-000000000001/thumbnail');

  // Requests the parser rejects, each carrying the token in its Authorization header.
  const auth = `Authorization: Bearer ${TOKEN}\r\n`;
  for (const request of [
    `GET /api/sta\u0001tus HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    `POST /api/actions/clear-all-stuck HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked, gzip\r\n\r\n`,
    `GET /api/status HTTP/1.1\r\nHost: x\r\n${auth}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    `GET /api/queues/a\\b HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
  ]) {
    const res = await rawRequest(bridge.url, request);
    seen.push(`${res.status} ${JSON.stringify(res.headers)} ${res.body}`);
  }
  // One tick after all of that, so the loops had their chance to log too.
  await new Promise((resolve) => setTimeout(resolve, 600));

  expect(seen.length).toBeGreaterThan(30);
  expect(logLines.length).toBeGreaterThan(5);
  expect(logLines.some((line) => line.includes('"level":20'))).toBe(true);
  for (const secret of SECRETS) {
    expect(
      seen.filter((answer) => answer.includes(secret)),
      secret,
    ).toEqual([]);
    expect(
      logLines.filter((line) => line.includes(secret)),
      secret,
    ).toEqual([]);
  }
});

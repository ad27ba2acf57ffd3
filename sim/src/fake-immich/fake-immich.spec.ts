import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addImmichJobs } from '../bull/immich-queues.ts';
import { startRedisServer, type RedisServer } from '../redis/redis-server.ts';
import * as hung from '../scenarios/hung.scenario.ts';
import { startFakeImmich, type FakeImmich } from './app.ts';
import { ASSETS, OTHER_USER } from './assets.ts';
import { USER_SESSION_TOKEN } from './auth.ts';

const API_KEY = 'test-admin-key';
let server: RedisServer;
let redis: Redis;
let immich: FakeImmich;
const key = (queue: string, suffix: string) => `immich_bull:${queue}:${suffix}`;

function call(path: string, init: { method?: string; body?: unknown; apiKey?: string | null; session?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.apiKey !== null) headers['x-api-key'] = init.apiKey ?? API_KEY;
  if (init.session !== undefined) headers.cookie = `immich_access_token=${init.session}`;
  return fetch(`${immich.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  immich = await startFakeImmich({ redisUrl: server.url, apiKey: API_KEY });
});
afterAll(async () => {
  await immich.stop();
  redis.disconnect();
  await server.dispose();
});

describe('fake Immich', () => {
  it('checks x-api-key like Immich, except on ping and version', async () => {
    expect((await call('/api/queues', { apiKey: null })).status).toBe(401);
    expect((await call('/api/queues', { apiKey: 'wrong' })).status).toBe(401);
    expect((await call('/api/server/about', { apiKey: null })).status).toBe(401);
    expect(await (await call('/api/server/ping', { apiKey: null })).json()).toEqual({ res: 'pong' });
    const version = await (await call('/api/server/version', { apiKey: null })).json();
    expect(version).toEqual({ major: 3, minor: 1, patch: 0, prerelease: null });
    expect(await (await call('/api/server/about')).json()).toMatchObject({ version: 'v3.1.0' });
  });

  it('reports what is in Redis through the Queues API', async () => {
    await addImmichJobs(
      server.url,
      'sidecar',
      [1, 2, 3].map((i) => ({ name: 'SidecarCheck', data: { id: `a${i}` } })),
    );
    const queues = (await (await call('/api/queues')).json()) as { name: string; statistics: { waiting: number } }[];
    expect(queues).toHaveLength(19);
    expect(queues.find((q) => q.name === 'sidecar')?.statistics.waiting).toBe(3);
    const jobs = (await (await call('/api/queues/sidecar/jobs?status=waiting&status=active')).json()) as {
      data: { id: string };
    }[];
    expect(jobs.map((job) => job.data.id).sort()).toEqual(['a1', 'a2', 'a3']);
    expect((await call('/api/queues/nope')).status).toBe(400);
  });

  it('wants `status` as an array like v3.1: a repeated one lists id, name, timestamp and data only', async () => {
    const run = await hung.start({ redisUrl: server.url, queue: 'smartSearch', count: 1 });
    try {
      const single = await call('/api/queues/smartSearch/jobs?status=active');
      expect(single.status).toBe(400);
      expect(await single.json()).toEqual({
        message: 'Validation failed',
        errors: [expect.objectContaining({ code: 'invalid_type', expected: 'array', path: ['status'] })],
      });
      const wrong = await call('/api/queues/smartSearch/jobs?status=active&status=running');
      expect(await wrong.json()).toMatchObject({ errors: [{ code: 'invalid_value', path: ['status', 1] }] });
      const jobs = (await (await call('/api/queues/smartSearch/jobs?status=active&status=active')).json()) as object[];
      expect(jobs).toHaveLength(1);
      expect(Object.keys(jobs[0]!).sort()).toEqual(['data', 'id', 'name', 'timestamp']);
    } finally {
      await run.stop();
    }
  });

  it("takes the admin's session cookie before an API key, and refuses a non-admin's session", async () => {
    const session = await call('/api/queues', { apiKey: null, session: immich.sessionToken });
    expect(session.status).toBe(200);
    const stale = await call('/api/queues', { session: 'expired-session' });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ message: 'Invalid user token' });
    const user = await call('/api/queues', { apiKey: null, session: USER_SESSION_TOKEN });
    expect(user.status).toBe(403);
    expect((await call('/api/server/about', { apiKey: null, session: USER_SESSION_TOKEN })).status).toBe(200);
  });

  it('pauses and resumes in Redis, and refuses to pause backgroundTask', async () => {
    const paused = await call('/api/queues/library', { method: 'PUT', body: { isPaused: true } });
    expect(await paused.json()).toMatchObject({ name: 'library', isPaused: true });
    expect(await redis.hexists(key('library', 'meta'), 'paused')).toBe(1);
    await call('/api/queues/library', { method: 'PUT', body: { isPaused: false } });
    expect(await redis.hexists(key('library', 'meta'), 'paused')).toBe(0);
    const refused = await call('/api/queues/backgroundTask', { method: 'PUT', body: { isPaused: true } });
    expect(refused.status).toBe(400);
    expect(await redis.hexists(key('backgroundTask', 'meta'), 'paused')).toBe(0);
  });

  it('empties waiting and failed jobs, never active ones', async () => {
    await addImmichJobs(server.url, 'migration', [{ name: 'AssetFileMigration', data: { id: 'x' } }]);
    await redis.zadd(key('migration', 'failed'), Date.now(), 'gone-1');
    const response = await call('/api/queues/migration/jobs', { method: 'DELETE', body: { failed: true } });
    expect(response.status).toBe(204);
    expect(await redis.llen(key('migration', 'wait'))).toBe(0);
    expect(await redis.zcard(key('migration', 'failed'))).toBe(0);
  });

  it('runs legacy commands, and refuses start while a job is active', async () => {
    const pause = await call('/api/jobs/ocr', { method: 'PUT', body: { command: 'pause', force: false } });
    expect(await pause.json()).toMatchObject({ queueStatus: { isPaused: true, isActive: false } });
    expect(await redis.hget(key('ocr', 'meta'), 'paused')).toBe('1');
    const start = await call('/api/jobs/ocr', { method: 'PUT', body: { command: 'start', force: false } });
    expect(start.status).toBe(200);
    const [queued] = await redis.lrange(key('ocr', 'paused'), 0, -1);
    expect(await redis.hget(key('ocr', queued!), 'name')).toBe('OcrQueueAll');

    const run = await hung.start({ redisUrl: server.url, queue: 'duplicateDetection', count: 1 });
    try {
      const blocked = await call('/api/jobs/duplicateDetection', { method: 'PUT', body: { command: 'start' } });
      expect(blocked.status).toBe(400);
      expect(await blocked.json()).toMatchObject({ message: 'Job is already running' });
      const all = (await (await call('/api/jobs')).json()) as Record<string, { queueStatus: { isActive: boolean } }>;
      expect(all.duplicateDetection?.queueStatus.isActive).toBe(true);
    } finally {
      await run.stop();
    }
  });

  it("serves own assets, 400 for another user's, and a PNG thumbnail", async () => {
    const own = ASSETS[0]!;
    const info = await (await call(`/api/assets/${own.id}`)).json();
    expect(info).toMatchObject({ id: own.id, originalPath: own.originalPath, originalFileName: own.originalFileName });
    const foreign = ASSETS.find((asset) => asset.ownerId === OTHER_USER.id)!;
    const denied = await call(`/api/assets/${foreign.id}`);
    expect(denied.status).toBe(400);
    expect(await denied.json()).toMatchObject({ message: 'Not found or no asset.read access' });
    const thumbnail = await call(`/api/assets/${own.id}/thumbnail?size=thumbnail`);
    expect(thumbnail.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await thumbnail.arrayBuffer());
    expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  });
});

describe('fake Immich, legacyOnly (pre-2.4)', () => {
  it('answers 404 on /api/queues and still serves /api/jobs', async () => {
    const legacy = await startFakeImmich({ redisUrl: server.url, apiKey: API_KEY, legacyOnly: true });
    try {
      const get = (path: string) => fetch(`${legacy.url}${path}`, { headers: { 'x-api-key': API_KEY } });
      expect((await get('/api/queues')).status).toBe(404);
      expect((await get('/api/queues/ocr')).status).toBe(404);
      expect((await get('/api/jobs')).status).toBe(200);
      expect(await (await get('/api/server/version')).json()).toMatchObject({ major: 2, minor: 3 });
    } finally {
      await legacy.stop();
    }
  });
});

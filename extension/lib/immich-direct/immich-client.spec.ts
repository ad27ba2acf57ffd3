// @vitest-environment node
// (The background calls Immich with host permission, so no CORS applies; happy-dom's fetch would enforce it.)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addImmichJobs,
  freePort,
  openImmichQueue,
  startFakeImmich,
  startRedisServer,
  type FakeImmich,
  type RedisServer,
} from '@immich-admin-tools/sim';
import { USER_SESSION_TOKEN } from '../../../sim/src/fake-immich/auth.ts';
import * as failed from '../../../sim/src/scenarios/failed.scenario.ts';
import * as hung from '../../../sim/src/scenarios/hung.scenario.ts';
import { createImmichClient } from './immich-client.ts';

let redisServer: RedisServer;
let immich: FakeImmich;
let legacy: FakeImmich;

/** The browser's cookie jar, as it stands after the admin signed in to Immich: every call carries the session. */
const withSession =
  (token: string) =>
  (input: string, init: RequestInit): Promise<Response> =>
    fetch(input, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), cookie: `immich_access_token=${token}` },
    });

const signedIn = (server: FakeImmich = immich) => createImmichClient(server.url, withSession(server.sessionToken));

/** Reads a queue's state in Redis the way BullMQ sees it. */
async function inRedis<T>(name: string, read: (queue: ReturnType<typeof openImmichQueue>) => Promise<T>): Promise<T> {
  const queue = openImmichQueue(redisServer.url, name);
  try {
    return await read(queue);
  } finally {
    await queue.close();
  }
}

beforeAll(async () => {
  redisServer = await startRedisServer();
  // The API key is the bridge's; the client never sends one.
  immich = await startFakeImmich({ redisUrl: redisServer.url, apiKey: 'bridge-key-not-used-here' });
  legacy = await startFakeImmich({ redisUrl: redisServer.url, apiKey: 'bridge-key-not-used-here', legacyOnly: true });
});
afterAll(async () => {
  await legacy?.stop();
  await immich?.stop();
  await redisServer?.dispose();
});

describe("Immich's own API, with the admin's session", () => {
  it('lists the queues with their counts and pause state', async () => {
    await addImmichJobs(redisServer.url, 'sidecar', [{ name: 'SidecarCheck', data: { id: 'a1' } }]);
    const result = await signedIn().queues();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.legacy).toBe(false);
    expect(result.data.queues).toHaveLength(19);
    expect(result.data.queues.find((q) => q.name === 'sidecar')).toMatchObject({
      isPaused: false,
      statistics: { waiting: 1, active: 0 },
    });
  });

  it('asks a signed-out browser, and a non-admin, to sign in as an admin', async () => {
    const signedOut = await createImmichClient(immich.url).queues();
    expect(signedOut).toEqual({
      ok: false,
      error: { kind: 'immich_auth', status: 401, message: expect.stringContaining('sign in to Immich as an admin') },
    });
    const user = await createImmichClient(immich.url, withSession(USER_SESSION_TOKEN)).queues();
    expect(user).toMatchObject({ ok: false, error: { kind: 'immich_auth', status: 403 } });
    expect(!user.ok && user.error.message).toMatch(/sign in to Immich as an admin/);
  });

  it("lists a queue's active jobs in the array form v3.1 wants: id, name and queued time", async () => {
    const run = await hung.start({ redisUrl: redisServer.url, queue: 'smartSearch', count: 2 });
    try {
      const result = await signedIn().activeJobs('smartSearch');
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.data.map((job) => job.id).sort()).toEqual([...run.jobIds].sort());
      for (const job of result.data) {
        expect(job).toMatchObject({ name: 'SmartSearch', timestamp: expect.any(Number) });
        expect(job).not.toHaveProperty('processedOn');
      }
    } finally {
      await run.stop();
    }
  });

  it('pauses and resumes a queue in Redis, and says why backgroundTask cannot be paused', async () => {
    const client = signedIn();
    expect(await client.setPaused('library', true)).toEqual({
      ok: true,
      data: { queue: 'library', isPaused: true, via: 'queues-api' },
    });
    expect(await inRedis('library', (q) => q.isPaused())).toBe(true);
    expect(await client.setPaused('library', false)).toMatchObject({ ok: true, data: { isPaused: false } });
    expect(await inRedis('library', (q) => q.isPaused())).toBe(false);
    expect(await client.setPaused('backgroundTask', true)).toEqual({
      ok: false,
      error: {
        kind: 'immich_error',
        status: 400,
        message: 'Immich answered 400: The BackgroundTask queue cannot be paused',
      },
    });
  });

  it('clears failed jobs and leaves the waiting ones alone', async () => {
    const run = await failed.start({ redisUrl: redisServer.url, queue: 'ocr', count: 2 });
    await run.stop();
    await addImmichJobs(redisServer.url, 'ocr', [{ name: 'Ocr', data: { id: 'still-waiting' } }]);
    const result = await signedIn().clearFailed('ocr');
    expect(result).toEqual({ ok: true, data: { queue: 'ocr', count: 2 } });
    expect(await inRedis('ocr', (q) => q.getFailedCount())).toBe(0);
    expect(await inRedis('ocr', (q) => q.getWaitingCount())).toBe(1);
  });

  it('falls back to the legacy /api/jobs of an Immich before 2.4, counts only', async () => {
    const client = signedIn(legacy);
    const listed = await client.queues();
    expect(listed).toMatchObject({ ok: true, data: { legacy: true } });
    expect(listed.ok && listed.data.queues.map((q) => q.name)).toContain('faceDetection');
    expect(await client.setPaused('migration', true)).toEqual({
      ok: true,
      data: { queue: 'migration', isPaused: true, via: 'legacy-jobs-api' },
    });
    expect(await inRedis('migration', (q) => q.isPaused())).toBe(true);
    await client.setPaused('migration', false);
  });

  it('tells a closed port and a server that is not Immich apart', async () => {
    const closed = await createImmichClient(`http://127.0.0.1:${await freePort()}`).queues();
    expect(closed).toMatchObject({ ok: false, error: { kind: 'immich_unreachable' } });
    expect(!closed.ok && closed.error.message).toMatch(/Cannot reach Immich at http:\/\/127\.0\.0\.1:/);

    const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>NAS</h1>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      expect(await createImmichClient(url).queues()).toEqual({
        ok: false,
        error: { kind: 'immich_error', status: 200, message: `${url} answered, but not like Immich's API.` },
      });
    } finally {
      other.close();
    }
  });
});

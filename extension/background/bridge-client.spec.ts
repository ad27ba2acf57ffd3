// @vitest-environment node
// (The background calls bridges with host permission, so no CORS applies; happy-dom's fetch would enforce it.)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY } from '../../bridge/test/harness.ts';
import { freePort } from '../../sim/src/redis/redis-server.ts';
import { otherUsersAsset, STUCK_QUEUE, useBridgeStack } from '../test/bridge-stack.fixture.ts';
import { createBridgeClient } from './bridge-client.ts';

const s = useBridgeStack();
const client = () => createBridgeClient(s.target());
const clientAt = (bridgeUrl: string) => createBridgeClient({ ...s.target(), bridgeUrl });

describe('bridge client against the real bridge', () => {
  it('reads /api/status with the Bearer token', async () => {
    await s.hungJobs(1);
    const result = await client().status();
    expect(result).toMatchObject({ ok: true, data: { connected: true, immichVersion: 'v3.1.0', stuckJobs: 1 } });
  });

  it('reports a refused token as unauthorized', async () => {
    const result = await createBridgeClient({ ...s.target(), token: 'wrong-token-0123456789' }).status();
    expect(result).toMatchObject({ ok: false, error: { kind: 'unauthorized', status: 401 } });
  });

  it('reports a refused connection as unreachable', async () => {
    const result = await clientAt(`http://127.0.0.1:${await freePort()}`).status();
    expect(result).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
  });

  it('keeps the bridge error code of a job that restarted or finished meanwhile (409)', async () => {
    const [job] = await s.hungJobs(1);
    const changed = await client().clearJob(STUCK_QUEUE, job!.jobId, {
      mode: 'fail',
      startedAt: job!.processedOn! - 5000,
    });
    expect(changed).toEqual({
      ok: false,
      error: {
        kind: 'http',
        status: 409,
        code: 'JOB_CHANGED',
        message: `Job ${job!.jobId} was restarted since it was looked at`,
      },
    });
    const cleared = await client().clearJob(STUCK_QUEUE, job!.jobId, { mode: 'fail', startedAt: job!.startedAt! });
    expect(cleared).toMatchObject({ ok: true, data: { cleared: true, jobId: job!.jobId, mode: 'fail' } });
    const again = await client().clearJob(STUCK_QUEUE, job!.jobId, { mode: 'fail', startedAt: job!.startedAt! });
    expect(again).toMatchObject({ ok: false, error: { kind: 'http', status: 409, code: 'JOB_NOT_ACTIVE' } });
  });

  it('posts clear-stuck with mode and job ids to the queue path', async () => {
    const [first, second] = await s.hungJobs(2);
    const result = await client().clearStuck(STUCK_QUEUE, { mode: 'remove', jobIds: [first!.jobId] });
    expect(result).toMatchObject({
      ok: true,
      data: { cleared: 1, jobIds: [first!.jobId], skipped: [], slotsStillHeld: 1 },
    });
    const detail = await client().queueDetail(STUCK_QUEUE);
    const left = detail.ok ? detail.data.activeJobs.map((job) => job.jobId) : [];
    expect(left).toContain(second!.jobId);
    expect(left).not.toContain(first!.jobId);
  });

  it('turns a thumbnail proxied from Immich into a data: URL', async () => {
    const [job] = await s.hungJobs(1);
    const direct = await fetch(`${s.stack.immich.url}/api/assets/${job!.assetId}/thumbnail`, {
      headers: { 'x-api-key': API_KEY },
    });
    const png = Buffer.from(await direct.arrayBuffer()).toString('base64');
    expect(await client().thumbnail(job!.assetId!)).toEqual({ ok: true, data: `data:image/png;base64,${png}` });
  });

  it('reports a thumbnail the bridge could not get', async () => {
    expect(await client().thumbnail(otherUsersAsset.id)).toMatchObject({
      ok: false,
      error: { kind: 'http', code: 'NOT_FOUND', status: 404 },
    });
  });

  it('reports Redis down from the 503 REDIS_UNAVAILABLE of an action', async () => {
    await s.hungJobs(1); // the queue must be known to the bridge for it to try Redis
    await s.whileRedisDown(async () => {
      const result = await client().retryFailed(STUCK_QUEUE);
      expect(result).toMatchObject({
        ok: false,
        error: { kind: 'redis_down', status: 503, code: 'REDIS_UNAVAILABLE' },
      });
    });
  });
});

describe('bridge client against servers that are not a bridge', () => {
  // A web page on the port (another app's UI): a real server, nothing like the bridge.
  const page = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>NAS admin</title><p>Welcome</p>');
  });
  beforeAll(() => new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => page.close(() => resolve())));

  it('calls an HTML page at the URL "not a bridge"', async () => {
    const { port } = page.address() as AddressInfo;
    expect(await clientAt(`http://127.0.0.1:${port}`).status()).toMatchObject({
      ok: false,
      error: { kind: 'not_a_bridge' },
    });
  });

  it('calls Immich\'s JSON "not a bridge", on success and on error', async () => {
    // The trailing "?" turns the client's "/api/status" into a query: the request is Immich's GET /api/server/version.
    const versionAnswer = await clientAt(`${s.stack.immich.url}/api/server/version?`).status();
    expect(versionAnswer).toMatchObject({ ok: false, error: { kind: 'not_a_bridge', status: 200 } });
    // The Immich URL entered as the bridge URL: Immich's own 404 JSON for /api/status.
    expect(await clientAt(s.stack.immich.url).status()).toMatchObject({
      ok: false,
      error: { kind: 'not_a_bridge', status: 404 },
    });
  });
});

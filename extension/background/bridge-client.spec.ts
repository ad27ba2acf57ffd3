// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortForTest } from '../test/free-port.ts';
import { startFakeBridge, type FakeBridge } from '../test/fake-bridge.ts';
import { queueSummary, status } from '../test/snapshot.factory.ts';
import { createBridgeClient } from './bridge-client.ts';

describe('bridge client', () => {
  let bridge: FakeBridge;
  beforeAll(async () => {
    bridge = await startFakeBridge();
  });
  afterAll(() => bridge.close());

  const client = () => createBridgeClient({ bridgeUrl: bridge.url, token: bridge.token });

  it('reads /api/status with the Bearer token', async () => {
    bridge.on('GET /api/status', { body: status([queueSummary('faceDetection')]) });
    const result = await client().status();
    expect(result).toMatchObject({ ok: true, data: { immichVersion: 'v3.1.0', queues: 1 } });
    expect(bridge.requests.at(-1)?.authorization).toBe(`Bearer ${bridge.token}`);
  });

  it('reports a refused token as unauthorized', async () => {
    const result = await createBridgeClient({ bridgeUrl: bridge.url, token: 'wrong' }).status();
    expect(result).toMatchObject({ ok: false, error: { kind: 'unauthorized', status: 401 } });
  });

  it('reports Redis down from a 503 REDIS_UNAVAILABLE', async () => {
    bridge.on('GET /api/queues', { status: 503, body: { error: { code: 'REDIS_UNAVAILABLE', message: 'redis' } } });
    const result = await client().queues();
    expect(result).toMatchObject({ ok: false, error: { kind: 'redis_down', status: 503, code: 'REDIS_UNAVAILABLE' } });
  });

  it('calls an HTML page at the URL "not a bridge"', async () => {
    bridge.on('GET /api/status', { raw: '<!doctype html><title>Immich</title>' });
    expect(await client().status()).toMatchObject({ ok: false, error: { kind: 'not_a_bridge' } });
  });

  it('calls JSON of another shape "not a bridge", on success and on error', async () => {
    bridge.on('GET /api/status', { body: { message: 'Cannot GET /api/status', statusCode: 200 } });
    expect(await client().status()).toMatchObject({ ok: false, error: { kind: 'not_a_bridge' } });
    bridge.on('GET /api/status', { status: 404, body: { message: 'Cannot GET /api/status', statusCode: 404 } });
    expect(await client().status()).toMatchObject({ ok: false, error: { kind: 'not_a_bridge', status: 404 } });
  });

  it('reports a refused connection as unreachable', async () => {
    const port = await freePortForTest();
    const result = await createBridgeClient({ bridgeUrl: `http://127.0.0.1:${port}`, token: 't' }).status();
    expect(result).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
  });

  it('keeps the bridge error code of other failures', async () => {
    bridge.on('POST /api/queues/faceDetection/jobs/7/clear', {
      status: 409,
      body: { error: { code: 'JOB_CHANGED', message: 'the job restarted' } },
    });
    const result = await client().clearJob('faceDetection', '7', { mode: 'fail', startedAt: 5 });
    expect(result).toEqual({
      ok: false,
      error: { kind: 'http', status: 409, code: 'JOB_CHANGED', message: 'the job restarted' },
    });
    expect(bridge.requests.at(-1)?.body).toEqual({ mode: 'fail', startedAt: 5 });
  });

  it('posts clear-stuck with mode and job ids to the queue path', async () => {
    bridge.on('POST /api/queues/smartSearch/clear-stuck', (request) => ({
      body: { cleared: 2, jobIds: (request.body as { jobIds: string[] }).jobIds, skipped: [], slotsStillHeld: 1 },
    }));
    const result = await client().clearStuck('smartSearch', { mode: 'remove', jobIds: ['1', '2'] });
    expect(result).toEqual({ ok: true, data: { cleared: 2, jobIds: ['1', '2'], skipped: [], slotsStillHeld: 1 } });
    expect(bridge.requests.at(-1)?.body).toEqual({ mode: 'remove', jobIds: ['1', '2'] });
  });

  it('turns a thumbnail into a data: URL', async () => {
    bridge.on('GET /api/assets/abc/thumbnail', { raw: 'JPEGDATA', contentType: 'image/jpeg' });
    const result = await client().thumbnail('abc');
    expect(result).toEqual({ ok: true, data: `data:image/jpeg;base64,${Buffer.from('JPEGDATA').toString('base64')}` });
  });

  it('reports a thumbnail the bridge could not get', async () => {
    bridge.on('GET /api/assets/gone/thumbnail', {
      status: 502,
      body: { error: { code: 'IMMICH_REFUSED', message: 'asset not readable' } },
    });
    expect(await client().thumbnail('gone')).toMatchObject({
      ok: false,
      error: { kind: 'http', code: 'IMMICH_REFUSED', status: 502 },
    });
  });
});

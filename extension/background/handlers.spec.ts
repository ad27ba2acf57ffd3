// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { sendMessage } from '../lib/messaging.ts';
import { instancesItem } from '../lib/storage.ts';
import { startFakeBridge, type FakeBridge } from '../test/fake-bridge.ts';
import { activeJob, instance, queueSummary, status } from '../test/snapshot.factory.ts';
import { routeRuntimeMessages } from '../test/fake-messaging.ts';
import { registerHandlers } from './handlers.ts';
import { createPoller } from './poller.ts';

describe('background message handlers', () => {
  let bridge: FakeBridge;
  let unregister: () => void;

  beforeEach(async () => {
    fakeBrowser.reset();
    bridge = await startFakeBridge();
    const faces = queueSummary('faceDetection', { activeJobs: [activeJob()] });
    bridge.on('GET /api/status', { body: status([faces]) });
    bridge.on('GET /api/queues', { body: { queues: [faces], snapshotAt: null, stale: false } });
    await instancesItem.setValue([instance({ bridgeUrl: bridge.url, token: bridge.token })]);
    routeRuntimeMessages();
    unregister = registerHandlers(createPoller({ onSnapshots: () => {} }));
  });
  afterEach(async () => {
    unregister();
    await bridge.close();
  });

  it('answers instances, by origin too', async () => {
    expect((await sendMessage('getInstances')).map((i) => i.id)).toEqual(['home']);
    expect(await sendMessage('findInstanceByOrigin', { origin: 'http://photos.test' })).toMatchObject({ id: 'home' });
    expect(await sendMessage('findInstanceByOrigin', { origin: 'http://other.test' })).toBeNull();
  });

  it('refreshes an instance and then lists its snapshot', async () => {
    const fresh = await sendMessage('refresh', { instanceId: 'home' });
    expect(fresh.queues[0]?.stuckJobs[0]?.assetFileName).toBe('IMG_0042.HEIC');
    expect(await sendMessage('getSnapshots')).toEqual([fresh]);
  });

  it('sends clear-stuck to the bridge and answers its result', async () => {
    bridge.on('POST /api/queues/faceDetection/clear-stuck', {
      body: { cleared: 1, jobIds: ['101'], skipped: [], slotsStillHeld: 1 },
    });
    const result = await sendMessage('clearStuck', { instanceId: 'home', queue: 'faceDetection', mode: 'retry' });
    expect(result).toEqual({ ok: true, data: { cleared: 1, jobIds: ['101'], skipped: [], slotsStillHeld: 1 } });
    expect(bridge.requests.find((r) => r.path.endsWith('/clear-stuck'))?.body).toEqual({ mode: 'retry' });
  });

  it('answers typed errors, never throws', async () => {
    expect(await sendMessage('pauseQueue', { instanceId: 'nope', queue: 'ocr' })).toMatchObject({
      ok: false,
      error: { kind: 'no_instance' },
    });
    bridge.on('POST /api/queues/backgroundTask/pause', {
      status: 400,
      body: { error: { code: 'QUEUE_NOT_PAUSABLE', message: 'cannot pause' } },
    });
    expect(await sendMessage('pauseQueue', { instanceId: 'home', queue: 'backgroundTask' })).toMatchObject({
      ok: false,
      error: { kind: 'http', code: 'QUEUE_NOT_PAUSABLE' },
    });
  });

  it('tests a connection, reporting Redis down on the bridge side', async () => {
    const ok = await sendMessage('testConnection', { bridgeUrl: bridge.url, token: bridge.token });
    expect(ok).toMatchObject({ ok: true, data: { bullmqVersion: '5.80.5' } });
    bridge.on('GET /api/status', { body: status([], { connected: false }) });
    const down = await sendMessage('testConnection', { bridgeUrl: bridge.url, token: bridge.token });
    expect(down).toMatchObject({ ok: false, error: { kind: 'redis_down' } });
    const wrong = await sendMessage('testConnection', { bridgeUrl: bridge.url, token: 'nope' });
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
  });

  it('opens the Jobs page and the history page in tabs', async () => {
    await sendMessage('openJobsPage', { instanceId: 'home', slug: 'smart-search' });
    await sendMessage('openHistory', { instanceId: 'home', queue: 'smartSearch' });
    const urls = (await fakeBrowser.tabs.query({})).map((t) => t.url);
    expect(urls).toContain('http://photos.test/admin/queues/smart-search');
    expect(urls).toContain('chrome-extension://test-extension-id/history-page.html?instance=home&queue=smartSearch');
  });
});

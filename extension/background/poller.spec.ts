// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { InstanceSnapshot, LiveSnapshotMessage } from '../lib/messaging.ts';
import { instancesItem, snapshotsItem } from '../lib/storage.ts';
import { startFakeBridge, type FakeBridge } from '../test/fake-bridge.ts';
import { activeJob, instance, queueSummary, status } from '../test/snapshot.factory.ts';
import { createPoller, type Poller } from './poller.ts';

/** The bits of a runtime Port the poller uses, recording what it was sent. */
function fakePort() {
  const sent: LiveSnapshotMessage[] = [];
  const onDisconnect: (() => void)[] = [];
  const port = {
    name: 'iat-live',
    postMessage: (message: LiveSnapshotMessage) => sent.push(message),
    onDisconnect: { addListener: (listener: () => void) => onDisconnect.push(listener) },
  } as unknown as Browser.runtime.Port;
  return { port, sent, disconnect: () => onDisconnect.forEach((listener) => listener()) };
}

describe('poller', () => {
  let bridge: FakeBridge;
  let poller: Poller;
  let rounds: Record<string, InstanceSnapshot>[];

  beforeEach(async () => {
    fakeBrowser.reset();
    bridge = await startFakeBridge();
    const faces = queueSummary('faceDetection', { activeJobs: [activeJob()] });
    bridge.on('GET /api/status', { body: status([faces]) });
    bridge.on('GET /api/queues', { body: { queues: [faces], snapshotAt: null, stale: false } });
    await instancesItem.setValue([instance({ bridgeUrl: bridge.url, token: bridge.token })]);
    rounds = [];
    poller = createPoller({ onSnapshots: (snapshots) => void rounds.push(snapshots) });
  });
  afterEach(async () => {
    poller.stop();
    await bridge.close();
  });

  it('stores each instance snapshot in storage.session and hands it to the hook', async () => {
    await poller.pollAll();
    const stored = await snapshotsItem.getValue();
    expect(stored.home).toMatchObject({ error: null, status: { immichVersion: 'v3.1.0' } });
    expect(stored.home?.queues[0]?.stuckJobs).toHaveLength(1);
    expect(rounds).toHaveLength(1);
  });

  it('keeps the last good data with the error when the bridge fails', async () => {
    await poller.pollAll();
    bridge.on('GET /api/queues', { status: 503, body: { error: { code: 'REDIS_UNAVAILABLE', message: 'x' } } });
    await poller.pollAll();
    const stored = (await snapshotsItem.getValue()).home!;
    expect(stored.error?.kind).toBe('redis_down');
    expect(stored.queues[0]?.name).toBe('faceDetection');
    expect(stored.fetchedAt).not.toBeNull();
  });

  it('marks a bridge that reports Redis disconnected', async () => {
    bridge.on('GET /api/status', { body: status([], { connected: false, stale: true }) });
    expect((await poller.pollAll()).home?.error?.kind).toBe('redis_down');
  });

  it('drops snapshots of removed instances', async () => {
    await poller.pollAll();
    await instancesItem.setValue([]);
    await poller.pollAll();
    expect(await snapshotsItem.getValue()).toEqual({});
  });

  it('shares one round between calls made while it waits', async () => {
    await Promise.all([poller.pollAll(), poller.pollAll(), poller.pollAll()]);
    expect(bridge.requests.filter((r) => r.path === '/api/status')).toHaveLength(1);
  });

  it('polls every 2 s while a live port is open, pushes snapshots to it, and stops after', async () => {
    const live = fakePort();
    poller.addPort(live.port);
    await vi.waitFor(
      () => expect(bridge.requests.filter((r) => r.path === '/api/status').length).toBeGreaterThanOrEqual(2),
      {
        timeout: 6000,
      },
    );
    expect(live.sent.at(-1)).toMatchObject({ type: 'snapshot', snapshot: { instanceId: 'home', error: null } });
    live.disconnect();
    expect(poller.liveCount).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let a round in flight finish
    const after = bridge.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(bridge.requests.length).toBe(after);
  });
});

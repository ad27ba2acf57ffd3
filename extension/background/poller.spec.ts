// @vitest-environment node
// (The background calls bridges with host permission, so no CORS applies; happy-dom's fetch would enforce it.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { NO_HOST_ACCESS, type InstanceSnapshot, type LiveSnapshotMessage } from '../lib/messaging.ts';
import { instancesItem, snapshotsItem } from '../lib/storage.ts';
import { STUCK_QUEUE, useBridgeStack } from '../test/bridge-stack.fixture.ts';
import { createPoller, pollInstance, type Poller } from './poller.ts';

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

/** Watches (without replacing) fetch: how many status requests went to the bridge. */
function countStatusRequests() {
  const spy = vi.spyOn(globalThis, 'fetch');
  return () => spy.mock.calls.filter(([url]) => String(url).endsWith('/api/status')).length;
}

const s = useBridgeStack();

describe('poller', () => {
  let poller: Poller;
  let rounds: Record<string, InstanceSnapshot>[];

  s.useHomeInstance();
  beforeEach(() => {
    rounds = [];
    poller = createPoller({ onSnapshots: (snapshots) => void rounds.push(snapshots) });
  });
  afterEach(() => poller.stop());

  it('stores each instance snapshot in storage.session and hands it to the hook', async () => {
    const [job] = await s.hungJobs(1);
    await poller.pollAll();
    const stored = await snapshotsItem.getValue();
    expect(stored.home).toMatchObject({ error: null, status: { immichVersion: 'v3.1.0', connected: true } });
    const faces = stored.home?.queues.find((queue) => queue.name === STUCK_QUEUE);
    expect(faces?.stuckJobs.map((j) => j.jobId)).toContain(job!.jobId);
    expect(rounds).toHaveLength(1);
  });

  it('says that host access is missing when that is why a bridge cannot be reached', async () => {
    const closed = s.home({ bridgeUrl: 'http://127.0.0.1:9' });
    const contains = vi.spyOn(fakeBrowser.permissions, 'contains').mockResolvedValue(false);
    expect((await pollInstance(closed)).error).toMatchObject({ kind: 'browser', code: NO_HOST_ACCESS });
    expect(contains).toHaveBeenCalledWith({ origins: ['http://photos.test/*', 'http://127.0.0.1/*'] });
    contains.mockResolvedValue(true);
    expect((await pollInstance(closed)).error).toMatchObject({ kind: 'unreachable' });
  });

  it('keeps the last good data with the error when the bridge fails', async () => {
    await s.hungJobs(1);
    const good = (await poller.pollAll()).home!;
    await instancesItem.setValue([s.home({ token: 'a-token-the-bridge-refuses' })]);
    await poller.pollAll();
    const stored = (await snapshotsItem.getValue()).home!;
    expect(stored.error?.kind).toBe('unauthorized');
    expect(stored.queues.map((queue) => queue.name)).toContain(STUCK_QUEUE);
    expect(stored.queues).toEqual(good.queues);
    expect(stored.fetchedAt).toBe(good.fetchedAt);
  });

  it('drops snapshots of removed instances', async () => {
    await poller.pollAll();
    expect(Object.keys(await snapshotsItem.getValue())).toEqual(['home']);
    await instancesItem.setValue([]);
    await poller.pollAll();
    expect(await snapshotsItem.getValue()).toEqual({});
  });

  it('shares one round between calls made while it waits', async () => {
    const statusRequests = countStatusRequests();
    await Promise.all([poller.pollAll(), poller.pollAll(), poller.pollAll()]);
    expect(statusRequests()).toBe(1);
    expect(rounds).toHaveLength(1);
  });

  it('polls while a live port is open (the status every 10 s beside the stream), pushes snapshots to it, and stops after', async () => {
    const statusRequests = countStatusRequests();
    const live = fakePort();
    poller.addPort(live.port);
    await vi.waitFor(() => expect(statusRequests()).toBeGreaterThanOrEqual(2), { timeout: 15_000 });
    expect(live.sent.at(-1)).toMatchObject({ type: 'snapshot', snapshot: { instanceId: 'home', error: null } });
    live.disconnect();
    expect(poller.liveCount).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let a round in flight finish
    const after = statusRequests();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(statusRequests()).toBe(after);
  }, 30_000);

  it('reads the event stream of the bridge while a port is open: a change in Redis arrives without polling queues', async () => {
    const spy = vi.spyOn(globalThis, 'fetch');
    const queueRequests = () => spy.mock.calls.filter(([url]) => String(url).endsWith('/api/queues')).length;
    const live = fakePort();
    poller.addPort(live.port);
    await vi.waitFor(() => expect(poller.streamingCount).toBe(1), { timeout: 10_000 });
    const polledBefore = queueRequests();
    const [job] = await s.hungJobs(1);
    const pushed = await vi.waitFor(
      () => {
        const snapshot = live.sent
          .map((m) => m.snapshot)
          .findLast((snap) => snap.queues.some((q) => q.stuckJobs.some((j) => j.jobId === job!.jobId)));
        expect(snapshot).toBeDefined();
        return snapshot!;
      },
      { timeout: 10_000 },
    );
    expect(pushed.status?.stuckJobs).toBeGreaterThanOrEqual(1);
    // Status may still be polled now and then; the queues came down the stream.
    expect(queueRequests() - polledBefore).toBeLessThanOrEqual(1);
    expect((await snapshotsItem.getValue()).home?.queues).toEqual(pushed.queues);
    live.disconnect();
    await vi.waitFor(() => expect(poller.streamingCount).toBe(0), { timeout: 5_000 });
  });

  it('marks a bridge that reports Redis disconnected', async () => {
    await s.whileRedisDown(async () => {
      const snapshot = (await poller.pollAll()).home;
      expect(snapshot).toMatchObject({ error: { kind: 'redis_down' }, status: { connected: false, stale: true } });
    });
  });
});

// @vitest-environment node
// (The background calls bridges with host permission, so no CORS applies; happy-dom's fetch would enforce it.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { CLEARED_REASON } from '../../bridge/src/actions/actions.service.ts';
import { immichJobFor } from '../../sim/src/bull/immich-jobs.ts';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { sendMessage } from '../lib/messaging.ts';
import { STUCK_QUEUE, useBridgeStack } from '../test/bridge-stack.fixture.ts';
import { routeRuntimeMessages } from '../test/fake-messaging.ts';
import { registerHandlers } from './handlers.ts';
import { createPoller } from './poller.ts';

const s = useBridgeStack();

describe('background message handlers', () => {
  let unregister: () => void;

  s.useHomeInstance();
  beforeEach(() => {
    routeRuntimeMessages();
    unregister = registerHandlers(createPoller({ onSnapshots: () => {} }));
  });
  afterEach(() => unregister());

  it('answers instances, by origin too', async () => {
    expect((await sendMessage('getInstances')).map((i) => i.id)).toEqual(['home']);
    const found = await sendMessage('findInstanceByOrigin', { origin: 'http://photos.test' });
    expect(found).toMatchObject({ id: 'home' });
    // The page's script never holds the token: only the background talks to bridges.
    expect(found).not.toHaveProperty('token');
    expect(await sendMessage('findInstanceByOrigin', { origin: 'http://other.test' })).toBeNull();
  });

  it('refreshes an instance and then lists its snapshot', async () => {
    const [job] = await s.hungJobs(1);
    const fresh = await sendMessage('refresh', { instanceId: 'home' });
    const faces = fresh.queues.find((queue) => queue.name === STUCK_QUEUE);
    expect(faces?.stuckJobs.find((j) => j.jobId === job!.jobId)?.assetFileName).toBe(job!.assetFileName);
    expect(await sendMessage('getSnapshots')).toEqual([fresh]);
  });

  it('sends clear-stuck to the bridge and answers its result', async () => {
    const [job] = await s.hungJobs(1);
    const result = await sendMessage('clearStuck', {
      instanceId: 'home',
      queue: STUCK_QUEUE,
      mode: 'fail',
      jobIds: [job!.jobId],
    });
    expect(result).toMatchObject({ ok: true, data: { cleared: 1, jobIds: [job!.jobId], skipped: [] } });
    // The mode reached the bridge: the job now sits in failed, with the bridge's reason.
    const detail = await sendMessage('getQueueDetail', { instanceId: 'home', queue: STUCK_QUEUE });
    const failed = detail.ok ? detail.data.failedJobs.find((j) => j.jobId === job!.jobId) : undefined;
    expect(failed?.failedReason).toBe(CLEARED_REASON);
  });

  it('answers typed errors, never throws', async () => {
    expect(await sendMessage('pauseQueue', { instanceId: 'nope', queue: 'ocr' })).toMatchObject({
      ok: false,
      error: { kind: 'no_instance' },
    });
    // Immich does not allow pausing background tasks; the bridge must first know the queue from Redis.
    await addImmichJobs(s.stack.redisServer.url, 'backgroundTask', [immichJobFor('backgroundTask', 0)]);
    const pause = () => sendMessage('pauseQueue', { instanceId: 'home', queue: 'backgroundTask' });
    const refused = await s.stack.h.until(async () => {
      const result = await pause();
      return !result.ok && result.error.kind === 'http' && result.error.code === 'QUEUE_NOT_FOUND' ? undefined : result;
    });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'http', code: 'QUEUE_NOT_PAUSABLE', status: 400 } });
  });

  it('opens the Jobs page and the history page in tabs', async () => {
    await sendMessage('openJobsPage', { instanceId: 'home', slug: 'smart-search' });
    await sendMessage('openHistory', { instanceId: 'home', queue: 'smartSearch' });
    const urls = (await fakeBrowser.tabs.query({})).map((t) => t.url);
    expect(urls).toContain('http://photos.test/admin/queues/smart-search');
    expect(urls).toContain(
      'chrome-extension://test-extension-id/history-page.html?instance=home&queue=smartSearch&view=timeline',
    );
  });

  it('tests a connection, reporting Redis down on the bridge side', async () => {
    await s.hungJobs(1); // a queue in Redis, so the bridge knows BullMQ's version
    const ok = await sendMessage('testConnection', s.target());
    expect(ok).toMatchObject({ ok: true, data: { connected: true, bullmqVersion: '5.80.5' } });
    const wrong = await sendMessage('testConnection', { ...s.target(), token: 'a-token-the-bridge-refuses' });
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    await s.whileRedisDown(async () => {
      const down = await sendMessage('testConnection', s.target());
      expect(down).toMatchObject({ ok: false, error: { kind: 'redis_down' } });
    });
  });
});

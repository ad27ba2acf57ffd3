import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { LIVE_PORT } from '../../lib/messaging.ts';
import { JobsPageState, type Send } from '../../lib/state/jobs-page.svelte.ts';
import { activeJob, instance, queueSummary, snapshot } from '../../test/snapshot.factory.ts';
import { startLiveFeed } from './live-feed.ts';

/** A port as the background hands it out: tests push messages and see disconnects. */
function fakePort() {
  const listeners: ((message: unknown) => void)[] = [];
  return {
    name: LIVE_PORT,
    push: (message: unknown) => listeners.forEach((listener) => listener(message)),
    onMessage: { addListener: (listener: (message: unknown) => void) => listeners.push(listener) },
    onDisconnect: { addListener: () => {} },
    disconnect: vi.fn(),
  };
}

const fakeCtx = {
  isValid: true,
  setInterval: (handler: () => void, ms: number) => setInterval(handler, ms),
} as unknown as ContentScriptContext;

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('startLiveFeed', () => {
  let ports: ReturnType<typeof fakePort>[];
  let refreshes: number;
  let stop: () => void;
  let state: JobsPageState;

  beforeEach(() => {
    vi.useFakeTimers();
    ports = [];
    refreshes = 0;
    vi.spyOn(fakeBrowser.runtime, 'connect').mockImplementation((() => {
      const port = fakePort();
      ports.push(port);
      return port;
    }) as never);
    const send = (async () => {
      refreshes++;
      return snapshot([]);
    }) as unknown as Send;
    state = new JobsPageState(send);
    state.setInstance(instance());
    setVisibility('visible');
    stop = startLiveFeed(fakeCtx, state);
  });

  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('applies pushed snapshots of its instance and ticks the clock each second', async () => {
    expect(ports).toHaveLength(1);
    ports[0]!.push({ type: 'snapshot', snapshot: snapshot([queueSummary('ocr', { activeJobs: [activeJob()] })]) });
    expect(state.queue('ocr')?.activeJobs).toHaveLength(1);
    ports[0]!.push({ type: 'snapshot', snapshot: snapshot([], { instanceId: 'someone-else' }) });
    expect(state.queue('ocr')).toBeDefined();
    const before = state.now;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(state.now).toBeGreaterThan(before);
  });

  it('drops the port and stops ticking while hidden, and catches up when shown again', async () => {
    setVisibility('hidden');
    expect(ports[0]!.disconnect).toHaveBeenCalled();
    const frozen = state.now;
    const refreshesWhenHidden = refreshes;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(state.now).toBe(frozen);
    expect(refreshes).toBe(refreshesWhenHidden);

    setVisibility('visible');
    expect(ports).toHaveLength(2);
    expect(refreshes).toBe(refreshesWhenHidden + 1);
  });

  it('stays stopped after leaving the Jobs pages, whatever the tab does', async () => {
    stop();
    setVisibility('hidden');
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ports).toHaveLength(1);
  });

  it('polls by itself when the port goes quiet (service worker restarted)', async () => {
    const initial = refreshes;
    await vi.advanceTimersByTimeAsync(4_500);
    expect(refreshes).toBeGreaterThan(initial);
  });
});

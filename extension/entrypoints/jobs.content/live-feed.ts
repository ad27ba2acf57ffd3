/**
 * Keeps the panels' state live while the tab is visible: the background pushes a snapshot every 2 s
 * over the LIVE_PORT port; a one-second clock advances the timers; if the port goes quiet (the service
 * worker restarted) we reconnect and ask for a refresh ourselves. Hidden tabs hold no port and do no work.
 */
import { flushSync } from 'svelte';
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { logger } from '../../lib/log-once.ts';
import { LIVE_PORT, type InstanceSnapshot, type LiveSnapshotMessage } from '../../lib/messaging.ts';
import type { JobsPageState } from '../../lib/state/jobs-page.svelte.ts';

/** A snapshot older than this means the push stopped; poll instead. */
const QUIET_MS = 3000;

type Port = ReturnType<typeof browser.runtime.connect>;

/** Only the e2e build (which the bench loads) writes User Timing entries into Immich's page. */
const MEASURE = import.meta.env.MODE === 'e2e';

/** Applies a change and renders it at once; in the e2e build timed as `iat-update`/`iat-tick` for the bench. */
export function measured(name: 'iat-update' | 'iat-tick', change: () => void): void {
  const start = performance.now();
  change();
  flushSync();
  if (!MEASURE) return;
  performance.measure(name, { start, end: performance.now() });
  // Keep the buffer small: the bench reads entries every few seconds.
  if (performance.getEntriesByName(name).length > 500) performance.clearMeasures(name);
}

export function startLiveFeed(ctx: ContentScriptContext, state: JobsPageState): () => void {
  // Aborted on stop, not only when the extension context dies: leaving the Jobs pages stops the feed.
  const stopped = new AbortController();
  let port: Port | null = null;
  let lastSnapshotAt = 0;
  let refreshing = false;

  const apply = (snapshot: InstanceSnapshot) => {
    if (snapshot.instanceId !== state.instance?.id) return;
    lastSnapshotAt = Date.now();
    measured('iat-update', () => state.applySnapshot(snapshot));
  };

  const refresh = async () => {
    if (refreshing || !state.instance) return;
    refreshing = true;
    try {
      const snapshot = await state.fetchSnapshot();
      if (snapshot) apply(snapshot);
    } catch (error) {
      logger.warnOnce('refresh', 'refresh failed', error);
    } finally {
      refreshing = false;
    }
  };

  const open = () => {
    if (port || stopped.signal.aborted || !state.instance || document.visibilityState !== 'visible' || !ctx.isValid)
      return;
    try {
      port = browser.runtime.connect({ name: LIVE_PORT });
    } catch (error) {
      logger.warnOnce('port', 'could not open the live port', error);
      return;
    }
    port.onMessage.addListener((message: unknown) => {
      const live = message as LiveSnapshotMessage;
      if (live?.type === 'snapshot') apply(live.snapshot);
    });
    port.onDisconnect.addListener(() => (port = null));
  };

  const close = () => {
    port?.disconnect();
    port = null;
  };

  const clock = ctx.setInterval(() => {
    if (document.visibilityState !== 'visible' || !state.instance) return;
    measured('iat-tick', () => state.tick());
    open();
    if (Date.now() - lastSnapshotAt > QUIET_MS) void refresh();
  }, 1000);

  document.addEventListener(
    'visibilitychange',
    () => {
      if (document.visibilityState !== 'visible') return close();
      open();
      void refresh();
    },
    { signal: stopped.signal },
  );

  open();
  void refresh();
  return () => {
    stopped.abort();
    clearInterval(clock);
    close();
  };
}

/** Answers every message of lib/messaging.ts. Bridge failures come back as BridgeResult errors, never throws. */
import { browser } from 'wxt/browser';
import type { BridgeResult, Instance, InstanceSnapshot } from '../lib/messaging.ts';
import { onMessage } from '../lib/messaging.ts';
import { instancesItem, snapshotsItem } from '../lib/storage.ts';
import { createImmichClient, type ImmichClient } from '../lib/immich-direct/immich-client.ts';
import { hasBridge, jobsPageUrl } from '../lib/instance-url.ts';
import { lastHourOf } from '../lib/sparklines.ts';
import { createBridgeClient, type BridgeClient } from './bridge-client.ts';
import type { Poller } from './poller.ts';
import { registerInstance } from './registration.ts';

const noInstance = (instanceId: string) =>
  ({ ok: false, error: { kind: 'no_instance', message: `No instance with id ${instanceId} is configured.` } }) as const;
const noBridge = {
  ok: false,
  error: { kind: 'http', code: 'NO_BRIDGE', message: 'This needs the bridge, and this instance has none configured.' },
} as const;

async function findInstance(instanceId: string): Promise<Instance | undefined> {
  return (await instancesItem.getValue()).find((instance) => instance.id === instanceId);
}

/** Registers every handler; answers a function that removes them again. */
export function registerHandlers(poller: Poller): () => void {
  const removers: (() => void)[] = [];
  const on: typeof onMessage = (type, handler) => {
    const remove = onMessage(type, handler);
    removers.push(remove);
    return remove;
  };

  /** Runs a bridge call for an instance; a successful change is followed by a fresh poll for the badge. */
  const withClient =
    <D extends { instanceId: string }, T>(
      call: (client: BridgeClient, data: D) => Promise<BridgeResult<T>>,
      changes = true,
    ) =>
    async ({ data }: { data: D }): Promise<BridgeResult<T>> => {
      const instance = await findInstance(data.instanceId);
      if (!instance) return noInstance(data.instanceId);
      if (!hasBridge(instance)) return noBridge;
      const result = await call(createBridgeClient(instance), data);
      if (changes && result.ok) void poller.pollOne(instance.id);
      return result;
    };

  /**
   * A queue action Immich's own API can do too: there without a bridge, or when the bridge does not answer, with
   * the admin's session on the Immich origin.
   */
  const withDirect =
    <D extends { instanceId: string }, T>(
      bridge: (client: BridgeClient, data: D) => Promise<BridgeResult<T>>,
      direct: (client: ImmichClient, data: D) => Promise<BridgeResult<T>>,
    ) =>
    async ({ data }: { data: D }): Promise<BridgeResult<T>> => {
      const instance = await findInstance(data.instanceId);
      if (!instance) return noInstance(data.instanceId);
      let result = hasBridge(instance) ? await bridge(createBridgeClient(instance), data) : null;
      if (!result || (!result.ok && result.error.kind === 'unreachable')) {
        result = await direct(createImmichClient(instance.immichUrl), data);
      }
      if (result.ok) void poller.pollOne(instance.id);
      return result;
    };

  on('getInstances', () => instancesItem.getValue());
  on('findInstanceByOrigin', async ({ data }) => {
    const instances = await instancesItem.getValue();
    const found = instances.find((instance) => new URL(instance.immichUrl).origin === data.origin);
    if (!found) return null;
    const { token: _token, ...page } = found;
    return page;
  });
  on('getSnapshots', async () => {
    const [instances, snapshots] = await Promise.all([instancesItem.getValue(), snapshotsItem.getValue()]);
    return instances.map((i) => snapshots[i.id]).filter((s): s is InstanceSnapshot => s !== undefined);
  });
  on('refresh', async ({ data }) => {
    const snapshot = await poller.pollOne(data.instanceId);
    return (
      snapshot ?? {
        instanceId: data.instanceId,
        status: null,
        queues: [],
        fetchedAt: null,
        error: noInstance(data.instanceId).error,
      }
    );
  });

  on(
    'getQueueDetail',
    withClient((c, d) => c.queueDetail(d.queue, d.failedOffset, d.failedLimit), false),
  );
  on(
    'clearStuck',
    withClient((c, d) => c.clearStuck(d.queue, { mode: d.mode, ...(d.jobIds ? { jobIds: d.jobIds } : {}) })),
  );
  on(
    'clearJob',
    withClient((c, d) => c.clearJob(d.queue, d.jobId, { mode: d.mode, startedAt: d.startedAt, force: d.force })),
  );
  on(
    'clearAllStuck',
    withClient((c, d) => c.clearAllStuck(d.mode)),
  );
  on(
    'pauseQueue',
    withDirect(
      (c, d) => c.pause(d.queue),
      (c, d) => c.setPaused(d.queue, true),
    ),
  );
  on(
    'resumeQueue',
    withDirect(
      (c, d) => c.resume(d.queue),
      (c, d) => c.setPaused(d.queue, false),
    ),
  );
  on(
    'retryFailed',
    withClient((c, d) => c.retryFailed(d.queue)),
  );
  on(
    'clearFailed',
    withDirect(
      (c, d) => c.clearFailed(d.queue),
      (c, d) => c.clearFailed(d.queue),
    ),
  );
  on(
    'getThumbnail',
    withClient((c, d) => c.thumbnail(d.assetId), false),
  );

  on(
    'getHistory',
    withClient((c, { instanceId: _, ...query }) => c.history(query), false),
  );
  on(
    'exportHistory',
    withClient((c, { instanceId: _, format, ...query }) => c.exportHistory(query, format), false),
  );
  on(
    'getStats',
    withClient((c, d) => c.stats(d.range, d.queue), false),
  );
  on(
    'getSparklines',
    withClient(async (c) => {
      const result = await c.stats('1h');
      return result.ok ? { ok: true, data: lastHourOf(result.data) } : result;
    }, false),
  );
  on(
    'getSettings',
    withClient((c) => c.settings(), false),
  );
  on(
    'updateSettings',
    withClient((c, d) => c.updateSettings(d.update)),
  );
  on(
    'getProblemAssets',
    withClient((c, { instanceId: _, ...query }) => c.problemAssets(query), false),
  );
  on(
    'setQuarantine',
    withClient((c, d) => c.quarantine(d.assetId, d.quarantined), false),
  );
  on(
    'resetAutoHeal',
    withClient((c) => c.resetAutoHeal()),
  );
  on(
    'runAutoHeal',
    withClient((c) => c.runAutoHeal()),
  );
  on(
    'clearAllAndRestart',
    withClient((c, d) => c.clearAllAndRestart(d.mode)),
  );
  on(
    'testAlert',
    withClient((c, d) => c.testAlert(d.notifier), false),
  );

  on(
    'getImportMode',
    withClient((c) => c.importMode(), false),
  );
  on(
    'setImportMode',
    withClient((c, d) => c.setImportMode(d.update)),
  );
  on(
    'inspectQueue',
    withClient((c, d) => c.inspectQueue(d.queue, { cursor: d.cursor, events: d.events }), false),
  );
  on(
    'inspectJob',
    withClient((c, d) => c.inspectJob(d.queue, d.jobId), false),
  );
  on(
    'inspectCommand',
    withClient((c, d) => c.inspectCommand({ command: d.command, args: d.args }), false),
  );

  on('testConnection', async ({ data }) => {
    const result = await createBridgeClient(data).status();
    if (result.ok && !result.data.connected) {
      return { ok: false, error: { kind: 'redis_down', message: 'The bridge is up but cannot reach Redis.' } };
    }
    return result;
  });
  on('registerInstance', async ({ data }) => {
    const instances = await instancesItem.getValue();
    const instance = instances.find((i) => i.id === data.instanceId);
    if (!instance) return noInstance(data.instanceId);
    const result = await registerInstance(instance, instances);
    if (result.ok) void poller.pollOne(instance.id);
    return result;
  });

  on('openJobsPage', async ({ data }) => {
    const instance = await findInstance(data.instanceId);
    if (instance) await browser.tabs.create({ url: jobsPageUrl(instance.immichUrl, data.slug) });
  });
  on('openHistory', async ({ data }) => {
    // A queue's link opens its timeline; the instance's opens the overview.
    const query = new URLSearchParams({
      instance: data.instanceId,
      ...(data.queue ? { queue: data.queue, view: 'timeline' } : {}),
      ...(data.queue && data.jobId ? { view: 'inspect', job: data.jobId } : {}),
    });
    await browser.tabs.create({ url: browser.runtime.getURL(`/history-page.html?${query}`) });
  });

  return () => removers.forEach((remove) => remove());
}

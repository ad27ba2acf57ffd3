/**
 * Polls every instance's bridge and keeps the latest snapshot per instance in storage.session.
 * An alarm (1 min) is the floor; while a popup or jobs page holds a live port it polls every 2 s
 * and pushes each fresh snapshot down the ports.
 */
import type { Browser } from 'wxt/browser';
import type { Instance, InstanceSnapshot, LiveSnapshotMessage } from '../lib/messaging.ts';
import { instancesItem, snapshotsItem } from '../lib/storage.ts';
import { createBridgeClient } from './bridge-client.ts';

export const LIVE_INTERVAL_MS = 2000;

type Port = Browser.runtime.Port;

/** One poll of one bridge: status and queues side by side. Never throws. */
export async function pollInstance(instance: Instance, previous?: InstanceSnapshot): Promise<InstanceSnapshot> {
  const client = createBridgeClient(instance);
  const [status, queues] = await Promise.all([client.status(), client.queues()]);
  const keep = {
    status: previous?.status ?? null,
    queues: previous?.queues ?? [],
    fetchedAt: previous?.fetchedAt ?? null,
  };
  if (!status.ok) return { instanceId: instance.id, ...keep, error: status.error };
  if (!queues.ok) return { instanceId: instance.id, ...keep, status: status.data, error: queues.error };
  // The bridge can stay up while Redis is gone: it then serves its last snapshot, marked disconnected.
  const error = status.data.connected
    ? null
    : { kind: 'redis_down' as const, message: 'The bridge is up but cannot reach Redis.' };
  return { instanceId: instance.id, status: status.data, queues: queues.data.queues, fetchedAt: Date.now(), error };
}

export interface PollerHooks {
  /** Called after every poll round with all current snapshots and the ones before it. */
  onSnapshots(
    snapshots: Record<string, InstanceSnapshot>,
    previous: Record<string, InstanceSnapshot>,
    instances: Instance[],
  ): Promise<void> | void;
}

export function createPoller(hooks: PollerHooks) {
  const ports = new Set<Port>();
  let timer: ReturnType<typeof setInterval> | undefined;
  // Rounds run one after another so two of them never interleave their storage writes.
  let chain: Promise<unknown> = Promise.resolve();
  let pendingAll: Promise<Record<string, InstanceSnapshot>> | undefined;

  const send = (port: Port, snapshot: InstanceSnapshot) => {
    const message: LiveSnapshotMessage = { type: 'snapshot', snapshot };
    try {
      port.postMessage(message);
    } catch {
      ports.delete(port); // the page went away between disconnect and this push
    }
  };
  const push = (snapshot: InstanceSnapshot) => ports.forEach((port) => send(port, snapshot));

  const round = async (only?: string): Promise<Record<string, InstanceSnapshot>> => {
    const instances = await instancesItem.getValue();
    const previous = await snapshotsItem.getValue();
    const polled = await Promise.all(
      instances.map((instance) =>
        only === undefined || instance.id === only
          ? pollInstance(instance, previous[instance.id])
          : previous[instance.id],
      ),
    );
    // Instances removed since the last round drop out here.
    const next: Record<string, InstanceSnapshot> = {};
    for (const snapshot of polled) if (snapshot) next[snapshot.instanceId] = snapshot;
    await snapshotsItem.setValue(next);
    for (const snapshot of Object.values(next)) {
      if (only === undefined || snapshot.instanceId === only) push(snapshot);
    }
    await hooks.onSnapshots(next, previous, instances);
    return next;
  };

  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const run = chain.then(job, job);
    chain = run.catch(() => undefined);
    return run;
  };

  /** Polls every instance; calls made while a full round waits to start share it. */
  const pollAll = (): Promise<Record<string, InstanceSnapshot>> => {
    pendingAll ??= enqueue(() => {
      pendingAll = undefined;
      return round();
    });
    return pendingAll;
  };

  const pollOne = async (instanceId: string): Promise<InstanceSnapshot | undefined> =>
    (await enqueue(() => round(instanceId)))[instanceId];

  const updateTimer = () => {
    if (ports.size > 0 && timer === undefined) {
      timer = setInterval(() => void pollAll(), LIVE_INTERVAL_MS);
    } else if (ports.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  return {
    pollAll,
    pollOne,
    /** A popup or jobs page opened a live port: poll now, then every 2 s until the last one closes. */
    addPort(port: Port) {
      ports.add(port);
      port.onDisconnect.addListener(() => {
        ports.delete(port);
        updateTimer();
      });
      updateTimer();
      // The page gets what is known at once, then the fresh round.
      void snapshotsItem.getValue().then((current) => Object.values(current).forEach((s) => send(port, s)));
      void pollAll();
    },
    get liveCount() {
      return ports.size;
    },
    stop() {
      ports.clear();
      updateTimer();
    },
  };
}

export type Poller = ReturnType<typeof createPoller>;

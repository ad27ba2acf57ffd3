/**
 * Polls every instance's bridge and keeps the latest snapshot per instance in storage.session.
 * An alarm (1 min) is the floor; while a popup or jobs page holds a live port, each bridge's event
 * stream brings every tick as it happens (polling every 2 s where a bridge has no stream), and each
 * fresh snapshot goes down the ports.
 */
import { waitingCount, type QueuesResponse, type StatusResponse } from '@immich-admin-tools/shared';
import type { Browser } from 'wxt/browser';
import { hasBridge, instanceOrigins } from '../lib/instance-url.ts';
import {
  NO_HOST_ACCESS,
  type BridgeError,
  type Instance,
  type InstanceSnapshot,
  type LiveSnapshotMessage,
} from '../lib/messaging.ts';
import { instancesItem, sightingsItem, snapshotsItem } from '../lib/storage.ts';
import { createBridgeClient } from './bridge-client.ts';
import { pollDirect } from './direct-poll.ts';
import { readEventStream } from './event-stream.ts';
import { hasAccess } from './registration.ts';

export const LIVE_INTERVAL_MS = 2000;
/** While a bridge streams its ticks, its status (versions, auto-heal, ...) is still polled this often. */
const STREAMED_STATUS_EVERY = 5;
/** A stream that failed is tried again after this long; polling covers the gap. */
const STREAM_RETRY_MS = 5000;

/** The status of the last poll with the counts of a streamed tick: what a poll would have said. */
export function withStreamedQueues(status: StatusResponse, body: QueuesResponse): StatusResponse {
  const sum = (pick: (q: QueuesResponse['queues'][number]) => number) =>
    body.queues.reduce((total, q) => total + pick(q), 0);
  return {
    ...status,
    queues: body.queues.length,
    totalWaiting: sum((q) => waitingCount(q.counts)),
    totalActive: sum((q) => q.counts.active),
    stuckJobs: sum((q) => q.stuckJobs.length),
    snapshotAt: body.snapshotAt,
    stale: body.stale,
  };
}

type Port = Browser.runtime.Port;

/**
 * One poll of one bridge: status and queues side by side. Without a bridge, or when it does not answer, Immich's
 * own API is asked too (`direct`). Never throws.
 */
export async function pollInstance(instance: Instance, previous?: InstanceSnapshot): Promise<InstanceSnapshot> {
  if (!hasBridge(instance)) {
    const direct = await pollDirect(instance, 'no_bridge', previous?.direct);
    return { instanceId: instance.id, status: null, queues: [], fetchedAt: null, error: direct.error, direct };
  }
  const client = createBridgeClient(instance);
  const [status, queues] = await Promise.all([client.status(), client.queues()]);
  const keep = {
    status: previous?.status ?? null,
    queues: previous?.queues ?? [],
    fetchedAt: previous?.fetchedAt ?? null,
  };
  if (!status.ok) {
    const error = await explainUnreachable(instance, status.error);
    if (error.kind !== 'unreachable') return { instanceId: instance.id, ...keep, error };
    const direct = await pollDirect(instance, 'bridge_down', previous?.direct);
    return { instanceId: instance.id, ...keep, error, direct };
  }
  if (!queues.ok) return { instanceId: instance.id, ...keep, status: status.data, error: queues.error };
  // The bridge is back with exact ages: what was seen without it is of no more use.
  if (previous?.direct) await sightingsItem(instance.id).removeValue();
  // The bridge can stay up while Redis is gone: it then serves its last snapshot, marked disconnected.
  const error = status.data.connected
    ? null
    : { kind: 'redis_down' as const, message: 'The bridge is up but cannot reach Redis.' };
  return { instanceId: instance.id, status: status.data, queues: queues.data.queues, fetchedAt: Date.now(), error };
}

/** "Unreachable" where the extension knows why: it holds no host access for the instance (UIs offer to grant it). */
async function explainUnreachable(instance: Instance, error: BridgeError): Promise<BridgeError> {
  if (error.kind !== 'unreachable' || (await hasAccess(instance))) return error;
  return {
    kind: 'browser',
    code: NO_HOST_ACCESS,
    message: `The extension has no access to ${instanceOrigins(instance).join(' and ')}: it was not granted, or was withdrawn.`,
  };
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
  /** Open event streams by instance id, and how many rounds each has skipped. */
  const streams = new Map<string, { abort: AbortController; live: boolean; skipped: number; target: string }>();
  const targetKey = (instance: Instance) => `${instance.bridgeUrl}\u0000${instance.token}`;
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

  /** A streaming bridge needs no poll for its queues; its status is refreshed every few rounds. */
  const skipsPoll = (instanceId: string, only?: string) => {
    const stream = streams.get(instanceId);
    if (only !== undefined || !stream?.live) return false;
    stream.skipped = (stream.skipped + 1) % STREAMED_STATUS_EVERY;
    return stream.skipped !== 0;
  };

  const round = async (only?: string): Promise<Record<string, InstanceSnapshot>> => {
    const instances = await instancesItem.getValue();
    const previous = await snapshotsItem.getValue();
    syncStreams(instances);
    const fresh = new Set<string>();
    const polled = await Promise.all(
      instances.map((instance) => {
        if ((only !== undefined && instance.id !== only) || skipsPoll(instance.id, only)) return previous[instance.id];
        fresh.add(instance.id);
        return pollInstance(instance, previous[instance.id]);
      }),
    );
    // Instances removed since the last round drop out here.
    const next: Record<string, InstanceSnapshot> = {};
    for (const snapshot of polled) if (snapshot) next[snapshot.instanceId] = snapshot;
    await snapshotsItem.setValue(next);
    // Only what this round fetched: a streaming bridge's pages already have its latest tick.
    for (const snapshot of Object.values(next)) if (fresh.has(snapshot.instanceId)) push(snapshot);
    await hooks.onSnapshots(next, previous, instances);
    return next;
  };

  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const run = chain.then(job, job);
    chain = run.catch(() => undefined);
    return run;
  };

  /** A tick from a stream: stored, pushed and handed to the hook like a poll's result. */
  const applyStreamed = (instanceId: string, body: QueuesResponse) =>
    enqueue(async () => {
      const instances = await instancesItem.getValue();
      const previous = await snapshotsItem.getValue();
      const last = previous[instanceId];
      // Until one poll brought the status, a streamed tick has nothing to go with.
      if (!last?.status || !instances.some((i) => i.id === instanceId)) return;
      const status = withStreamedQueues(last.status, body);
      const snapshot: InstanceSnapshot = {
        instanceId,
        status,
        queues: body.queues,
        fetchedAt: Date.now(),
        error: status.connected ? null : last.error,
      };
      const next = { ...previous, [instanceId]: snapshot };
      await snapshotsItem.setValue(next);
      push(snapshot);
      await hooks.onSnapshots(next, previous, instances);
    });

  const openStream = (instance: Instance) => {
    const entry = { abort: new AbortController(), live: false, skipped: 0, target: targetKey(instance) };
    streams.set(instance.id, entry);
    const target = { bridgeUrl: instance.bridgeUrl, token: instance.token };
    void readEventStream(
      target,
      {
        onSnapshot: (body) => {
          entry.live = true;
          void applyStreamed(instance.id, body);
        },
      },
      entry.abort.signal,
    )
      .catch(() => undefined)
      .then(() => {
        entry.live = false;
        if (entry.abort.signal.aborted || streams.get(instance.id) !== entry) return;
        // Ended or failed: poll meanwhile, and try again while pages are still open.
        setTimeout(() => {
          if (streams.get(instance.id) === entry && !entry.abort.signal.aborted) {
            streams.delete(instance.id);
            if (ports.size > 0) syncStreams();
          }
        }, STREAM_RETRY_MS);
      });
  };

  /** One stream per configured instance while a port is open, none otherwise. */
  function syncStreams(instances?: Instance[]): void {
    if (ports.size === 0) {
      for (const entry of streams.values()) entry.abort.abort();
      streams.clear();
      return;
    }
    if (!instances) {
      void instancesItem.getValue().then((list) => syncStreams(list));
      return;
    }
    for (const [id, entry] of streams) {
      const instance = instances.find((i) => i.id === id);
      // Removed, or pointed at another bridge or token since: that stream is not this instance's any more.
      if (!instance || targetKey(instance) !== entry.target) {
        entry.abort.abort();
        streams.delete(id);
      }
    }
    for (const instance of instances) if (!streams.has(instance.id) && hasBridge(instance)) openStream(instance);
  }

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
    syncStreams();
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
    /** Instances whose ticks arrive over an open event stream. */
    get streamingCount() {
      return [...streams.values()].filter((entry) => entry.live).length;
    },
    stop() {
      ports.clear();
      updateTimer();
    },
  };
}

export type Poller = ReturnType<typeof createPoller>;

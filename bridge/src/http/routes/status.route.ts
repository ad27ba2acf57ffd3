import { Hono } from 'hono';
import { waitingCount, type StatusResponse } from '@immich-admin-tools/shared';
import { isStale, type Deps } from '../deps.ts';

export const statusRoutes = (deps: Deps) =>
  new Hono().get('/', (c) => {
    const snapshot = deps.snapshots.snapshot;
    const queues = snapshot?.queues ?? [];
    const sum = (pick: (q: (typeof queues)[number]) => number) => queues.reduce((total, q) => total + pick(q), 0);
    const body: StatusResponse = {
      connected: deps.snapshots.isConnected,
      immichVersion: deps.immichStatus.version,
      bullmqVersion: snapshot?.bullmqVersion ?? null,
      queues: queues.length,
      totalWaiting: sum((q) => waitingCount(q.counts)),
      totalActive: sum((q) => q.counts.active),
      stuckJobs: sum((q) => q.stuckJobs.length),
      snapshotAt: snapshot ? new Date(snapshot.at).toISOString() : null,
      stale: isStale(deps),
      // No auto-heal loop runs in this version of the bridge.
      autoHeal: { enabled: false, action: null },
    };
    return c.json(body);
  });

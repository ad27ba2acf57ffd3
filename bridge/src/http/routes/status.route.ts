import { Hono } from 'hono';
import { waitingCount, type StatusResponse } from '@immich-admin-tools/shared';
import type { Access, AppEnv } from '../auth.ts';
import { JsonCache, sendCached } from '../cached-json.ts';
import { isStale, type Deps } from '../deps.ts';

function statusBody(deps: Deps, access: Access, stale: boolean): StatusResponse {
  const snapshot = deps.snapshots.snapshot;
  const queues = snapshot?.queues ?? [];
  const sum = (pick: (q: (typeof queues)[number]) => number) => queues.reduce((total, q) => total + pick(q), 0);
  return {
    connected: deps.snapshots.isConnected,
    immichVersion: deps.immichStatus.version,
    bullmqVersion: snapshot?.bullmqVersion ?? null,
    queues: queues.length,
    totalWaiting: sum((q) => waitingCount(q.counts)),
    totalActive: sum((q) => q.counts.active),
    stuckJobs: sum((q) => q.stuckJobs.length),
    snapshotAt: snapshot ? new Date(snapshot.at).toISOString() : null,
    stale,
    autoHeal: deps.heal.status(),
    restart: deps.restart.status,
    access,
    conditions: queues.flatMap((q) =>
      q.conditions.map((condition) => ({
        queue: q.name,
        condition,
        since: new Date(deps.snapshots.conditionSince(q.name, condition) ?? snapshot!.at).toISOString(),
      })),
    ),
    notifiers: deps.alerts.status,
    importMode: deps.importMode.status(),
    compatibility: deps.compat.current(),
  };
}

export const statusRoutes = (deps: Deps) => {
  const caches: Record<Access, JsonCache> = { full: new JsonCache(), read: new JsonCache() };
  return new Hono<AppEnv>().get('/', (c) => {
    const access = c.get('access');
    const stale = isStale(deps);
    // The key lists every input of the body: a field fed from elsewhere must add its source here.
    const key = [
      deps.snapshots.snapshot,
      stale,
      deps.snapshots.isConnected,
      deps.immichStatus.version,
      deps.alerts.statusRevision,
      deps.heal.revision,
      deps.restart.revision,
      deps.importMode.revision,
    ];
    return sendCached(
      c,
      caches[access].get(key, () => statusBody(deps, access, stale)),
    );
  });
};

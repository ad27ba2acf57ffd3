import { waitingCount, type QueuesResponse, type StatusResponse } from '@immich-admin-tools/shared';
import type { Access } from './auth.ts';
import { JsonCache, type JsonRepresentation } from './cached-json.ts';
import { isStale, type Deps } from './deps.ts';

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

/**
 * The answers of the two routes every client polls, GET /api/queues and GET /api/status, each serialised
 * once per change of what it is built from, however many clients ask. Both the Hono routes and the hot path
 * (hot-path.ts) send these same representations.
 */
export class PolledAnswers {
  readonly #list = new JsonCache();
  readonly #status: Record<Access, JsonCache> = { full: new JsonCache(), read: new JsonCache() };

  constructor(private readonly deps: Deps) {}

  queues(): JsonRepresentation {
    const snapshot = this.deps.snapshots.snapshot;
    const stale = isStale(this.deps);
    return this.#list.get([snapshot, stale], (): QueuesResponse => ({
      queues: snapshot?.queues ?? [],
      snapshotAt: snapshot ? new Date(snapshot.at).toISOString() : null,
      stale,
    }));
  }

  status(access: Access): JsonRepresentation {
    const deps = this.deps;
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
    return this.#status[access].get(key, () => statusBody(deps, access, stale));
  }
}

import type { ActionsService } from '../actions/actions.service.ts';
import type { AssetCache } from '../assets/asset-cache.ts';
import type { ImmichRepository } from '../immich/immich.repository.ts';
import type { ImmichStatus } from '../immich/immich-status.ts';
import type { QueueRepository } from '../redis/queue.repository.ts';
import type { SnapshotService } from '../snapshot/snapshot.service.ts';

/** What the routes are built from. */
export interface Deps {
  token: string;
  pollIntervalMs: number;
  snapshots: SnapshotService;
  actions: ActionsService;
  repository: QueueRepository;
  assets: AssetCache;
  immich: ImmichRepository | null;
  immichStatus: ImmichStatus;
}

/** A snapshot is stale when Redis did not answer the last tick, or ticks stopped for three intervals. */
export function isStale(deps: Pick<Deps, 'snapshots' | 'pollIntervalMs'>): boolean {
  const snapshot = deps.snapshots.snapshot;
  return !deps.snapshots.isConnected || !snapshot || Date.now() - snapshot.at > 3 * deps.pollIntervalMs + 1000;
}

import type { ActionsService } from '../actions/actions.service.ts';
import type { AlertsService } from '../alerts/alerts.service.ts';
import type { AssetCache } from '../assets/asset-cache.ts';
import type { CompatibilityService } from '../compat/compatibility.service.ts';
import type { ImmichRepository } from '../immich/immich.repository.ts';
import type { HealService } from '../heal/heal.service.ts';
import type { ImmichStatus } from '../immich/immich-status.ts';
import type { ImportModeService } from '../import-mode/import-mode.service.ts';
import type { InspectService } from '../inspect/inspect.service.ts';
import type { MetricsService } from '../metrics/metrics.service.ts';
import type { ProblemAssetsService } from '../quarantine/problem-assets.service.ts';
import type { QueueRepository } from '../redis/queue.repository.ts';
import type { RestartService } from '../restart/restart.service.ts';
import type { SnapshotService } from '../snapshot/snapshot.service.ts';
import type { HistoryService } from '../store/history.service.ts';
import type { SettingsService } from '../store/settings.service.ts';
import type { StatsService } from '../store/stats.service.ts';

/** What the routes are built from. */
export interface Deps {
  /** BRIDGE_TOKEN and BRIDGE_READ_TOKEN (null when unset). */
  tokens: { full: string; read: string | null };
  pollIntervalMs: number;
  snapshots: SnapshotService;
  actions: ActionsService;
  repository: QueueRepository;
  assets: AssetCache;
  immich: ImmichRepository | null;
  immichStatus: ImmichStatus;
  history: HistoryService;
  stats: StatsService;
  settings: SettingsService;
  metrics: MetricsService;
  alerts: AlertsService;
  heal: HealService;
  restart: RestartService;
  problemAssets: ProblemAssetsService;
  importMode: ImportModeService;
  inspect: InspectService;
  compat: CompatibilityService;
  /** METRICS_TOKEN, also accepted on GET /metrics; null when unset. */
  metricsToken: string | null;
}

/** A snapshot is stale when Redis did not answer the last tick, or ticks stopped for three intervals. */
export function isStale(deps: Pick<Deps, 'snapshots' | 'pollIntervalMs'>): boolean {
  const snapshot = deps.snapshots.snapshot;
  return !deps.snapshots.isConnected || !snapshot || Date.now() - snapshot.at > 3 * deps.pollIntervalMs + 1000;
}

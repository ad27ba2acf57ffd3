import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerType } from '@hono/node-server';
import { ActionsService } from './actions/actions.service.ts';
import { AlertsService } from './alerts/alerts.service.ts';
import { AssetCache } from './assets/asset-cache.ts';
import { loadConfig, type Config } from './config.ts';
import { registerAutoHealSettings } from './heal/auto-heal-settings.ts';
import { HealRepository } from './heal/heal.repository.ts';
import { HealService } from './heal/heal.service.ts';
import { CompatibilityService } from './compat/compatibility.service.ts';
import { createApp } from './http/app.ts';
import type { Deps } from './http/deps.ts';
import { createHotPath, type HotPath } from './http/hot-path.ts';
import { PolledAnswers } from './http/polled-answers.ts';
import { closeServer, listen } from './http/listen.ts';
import { ImmichRepository } from './immich/immich.repository.ts';
import { ImmichStatus } from './immich/immich-status.ts';
import { registerImportModeSettings } from './import-mode/import-mode-settings.ts';
import { ImportModeRepository } from './import-mode/import-mode.repository.ts';
import { ImportModeService } from './import-mode/import-mode.service.ts';
import { InspectService } from './inspect/inspect.service.ts';
import { createLogger, type DestinationStream, type Logger } from './logger.ts';
import { MetricsService } from './metrics/metrics.service.ts';
import { ProblemAssetRepository } from './quarantine/problem-asset.repository.ts';
import { ProblemAssetsService } from './quarantine/problem-assets.service.ts';
import { registerQuarantineSettings } from './quarantine/quarantine-settings.ts';
import { QuarantineService } from './quarantine/quarantine.service.ts';
import { createRedis, RedisLink, whenReady } from './redis/connection.ts';
import { QueueRepository } from './redis/queue.repository.ts';
import { HistoryRecorder } from './history/history-recorder.ts';
import { DockerRepository } from './restart/docker.repository.ts';
import { RestartService } from './restart/restart.service.ts';
import { SnapshotService } from './snapshot/snapshot.service.ts';
import { thresholdSettings } from './snapshot/threshold-settings.ts';
import { HistoryService } from './store/history.service.ts';
import { Retention } from './store/retention.ts';
import { SettingsService } from './store/settings.service.ts';
import { StatsService } from './store/stats.service.ts';
import { Store } from './store/store.ts';

export type { AppType } from './http/app.ts';
export { ConfigError, loadConfig } from './config.ts';
export { PortInUseError } from './http/listen.ts';
export { StoreError } from './store/database.ts';

export interface RunningBridge {
  url: string;
  token: string;
  config: Config;
  logger: Logger;
  snapshots: SnapshotService;
  history: HistoryService;
  settings: SettingsService;
  /** The Hono app alone, without the listener's hot path in front (hot-path.ts), for in-process requests. */
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> };
  /** What the listener answers before Hono (the polled GETs). */
  hotPath: HotPath;
  stop(): Promise<void>;
}

/** Wires the bridge from its configuration and starts its loops and HTTP server. */
export async function startBridge(
  options: { env?: Record<string, string | undefined>; config?: Config; logDestination?: DestinationStream } = {},
): Promise<RunningBridge> {
  const config = options.config ?? loadConfig(options.env);
  const logger = createLogger(config.logLevel, config.logFormat, options.logDestination);
  // First, so a damaged history file stops start-up before anything else is touched.
  const store = Store.open(config.dataDir);
  const settings = new SettingsService(store.settings);
  const history = new HistoryService(store, logger.child({ module: 'history' }));
  const redis = createRedis(config.redis);
  // Logs each loss and return of Redis once, with where and why.
  const link = new RedisLink(redis, logger.child({ module: 'redis' }));

  const repository = new QueueRepository(link);
  const immich =
    config.immich.apiUrl && config.immich.apiKey
      ? new ImmichRepository(config.immich.apiUrl, config.immich.apiKey)
      : null;
  const immichStatus = new ImmichStatus(immich, config.immich.apiUrl, logger.child({ module: 'immich' }));
  const assets = new AssetCache(immich, logger.child({ module: 'assets' }));
  const recorder = new HistoryRecorder(store, history, assets);
  const snapshots = new SnapshotService(repository, assets, config, logger.child({ module: 'snapshot' }), {
    recorder,
    cursors: store.state.cursors(),
    thresholds: thresholdSettings(settings, config),
  });
  const compat = new CompatibilityService(
    {
      immichVersion: () => immichStatus.version,
      bullmqVersion: () => snapshots.snapshot?.bullmqVersion ?? null,
    },
    config.allowUntested,
    logger.child({ module: 'compat' }),
  );
  const actions = new ActionsService(
    repository,
    snapshots,
    immich,
    logger.child({ module: 'actions' }),
    { history, recorder },
    compat,
  );
  const retention = new Retention(store, config.historyRetentionDays, logger.child({ module: 'retention' }));
  history.record({ event: 'bridge_started', actor: 'bridge', detail: { pid: process.pid } });
  const metrics = new MetricsService(snapshots, immichStatus);
  snapshots.onSnapshot(() => metrics.tick(snapshots.lastReadDurationMs));
  snapshots.onFinished((job) => metrics.finished(job));
  history.onRow((item) => metrics.historyRow(item));
  // Before the first tick, so rows of the first tick already alert.
  const alerts = new AlertsService(settings, history, config.alerts, logger.child({ module: 'alerts' }));
  snapshots.onSnapshot(() => alerts.tick());
  snapshots.onFinished((job) => alerts.finished(job));
  // Also before the first tick: every stuck or failed row of it counts for its asset.
  const problemAssets = new ProblemAssetsService(
    new ProblemAssetRepository(store.db),
    history,
    assets,
    registerQuarantineSettings(settings, config.autoHeal),
    logger.child({ module: 'problem-assets' }),
  );
  const quarantine = new QuarantineService(
    repository,
    snapshots,
    problemAssets,
    history,
    compat,
    logger.child({ module: 'quarantine' }),
  );
  const autoHealSettings = registerAutoHealSettings(settings, config.autoHeal);
  const restart = new RestartService(
    new DockerRepository(config.docker.host, config.docker.container),
    snapshots,
    history,
    () => autoHealSettings().restartCooldownMinutes,
    logger.child({ module: 'restart' }),
  );
  const heal = new HealService({
    actions,
    snapshots,
    repository,
    restart,
    recorder,
    history,
    memory: new HealRepository(store.db),
    settings,
    current: autoHealSettings,
    compat,
    logger: logger.child({ module: 'auto-heal' }),
  });

  // Subscribed before the first tick: a restart in the middle of an import carries on from its first snapshot.
  const importMode = new ImportModeService({
    actions,
    snapshots,
    repository: new ImportModeRepository(store.db),
    settings,
    current: registerImportModeSettings(settings, config.importMode),
    canPause: immich !== null,
    logger: logger.child({ module: 'import-mode' }),
  });

  await Promise.all([immichStatus.start(), whenReady(redis, 3000), restart.start()]);
  quarantine.start();
  await snapshots.tick();
  // Both versions are known now: warns at start-up when either is outside the tested range.
  compat.current();
  snapshots.start();
  retention.start();
  heal.start();

  const deps: Deps = {
    tokens: { full: config.token, read: config.readToken },
    pollIntervalMs: config.pollIntervalMs,
    snapshots,
    actions,
    repository,
    assets,
    immich,
    immichStatus,
    metrics,
    metricsToken: config.metricsToken,
    alerts,
    history,
    stats: new StatsService(store),
    settings,
    heal,
    restart,
    problemAssets,
    importMode,
    inspect: new InspectService(repository),
    compat,
  };
  const httpLogger = logger.child({ module: 'http' });
  const answers = new PolledAnswers(deps);
  const app = createApp(deps, httpLogger, answers);
  const hotPath = await createHotPath(app, answers, deps.tokens, httpLogger);
  let server: ServerType | undefined;
  // Finishes what is in flight before letting go of Redis, so a write that started completes.
  const stop = async () => {
    await heal.stop();
    await importMode.stop();
    await snapshots.stop();
    await quarantine.stop();
    restart.stop();
    alerts.stop();
    await retention.stop();
    immichStatus.stop();
    if (server) await closeServer(server);
    await repository.close();
    await Promise.race([redis.quit(), sleep(2000)]).catch(() => {});
    redis.disconnect();
    store.close();
  };
  try {
    server = await listen(app.fetch, config.host, config.port, hotPath);
  } catch (error) {
    await stop();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info({ port, immich: config.immich.apiUrl ?? 'not configured' }, 'bridge listening');

  return {
    url: `http://${host}:${port}`,
    token: config.token,
    config,
    logger,
    snapshots,
    history,
    settings,
    app,
    hotPath,
    stop,
  };
}

import { serve, type ServerType } from '@hono/node-server';
import { ActionsService } from './actions/actions.service.ts';
import { AssetCache } from './assets/asset-cache.ts';
import { loadConfig, type Config } from './config.ts';
import { createApp } from './http/app.ts';
import { ImmichRepository } from './immich/immich.repository.ts';
import { ImmichStatus } from './immich/immich-status.ts';
import { createLogger, type Logger } from './logger.ts';
import { createRedis, whenReady } from './redis/connection.ts';
import { QueueRepository } from './redis/queue.repository.ts';
import { SnapshotService } from './snapshot/snapshot.service.ts';

export type { AppType } from './http/app.ts';
export { ConfigError, loadConfig } from './config.ts';

export interface RunningBridge {
  url: string;
  token: string;
  config: Config;
  logger: Logger;
  snapshots: SnapshotService;
  stop(): Promise<void>;
}

/** Wires the bridge from its configuration and starts its loops and HTTP server. */
export async function startBridge(
  options: { env?: Record<string, string | undefined>; config?: Config } = {},
): Promise<RunningBridge> {
  const config = options.config ?? loadConfig(options.env);
  const logger = createLogger(config.logLevel);
  const redis = createRedis(config.redis);
  // ioredis reports every failed reconnect; the snapshot loop already says when Redis is away.
  redis.on('error', () => {});

  const repository = new QueueRepository(redis);
  const immich =
    config.immich.apiUrl && config.immich.apiKey
      ? new ImmichRepository(config.immich.apiUrl, config.immich.apiKey)
      : null;
  const immichStatus = new ImmichStatus(immich, logger.child({ module: 'immich' }));
  const assets = new AssetCache(immich, logger.child({ module: 'assets' }));
  const snapshots = new SnapshotService(repository, assets, config, logger.child({ module: 'snapshot' }));
  const actions = new ActionsService(repository, snapshots, immich, logger.child({ module: 'actions' }));

  await Promise.all([immichStatus.start(), whenReady(redis, 3000)]);
  await snapshots.tick();
  snapshots.start();

  const app = createApp(
    {
      token: config.token,
      pollIntervalMs: config.pollIntervalMs,
      snapshots,
      actions,
      repository,
      assets,
      immich,
      immichStatus,
    },
    logger.child({ module: 'http' }),
  );
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
  });
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
    async stop() {
      await snapshots.stop();
      immichStatus.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await repository.close();
      redis.disconnect();
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { assetsRoutes } from './assets.route.ts';
import type { FakeAuth } from './auth.ts';
import { immichError } from './immich-errors.ts';
import { jobsPageRoutes } from '../jobs-page/jobs-page.routes.ts';
import { jobsLegacyRoutes } from './jobs-legacy.route.ts';
import { QueueStore } from './queue-store.ts';
import { queuesRoutes } from './queues.route.ts';
import { serverRoutes, type ImmichVersion } from './server.route.ts';
import { immichProfile, type ImmichProfile } from '../versions.ts';

export interface FakeImmichOptions {
  redisUrl: string;
  /** The one API key accepted (an admin's). */
  apiKey: string;
  /**
   * The admin's session token, sent as the `immich_access_token` cookie. The imitation Jobs page signs the browser
   * in with it, as Immich's login would. Random by default.
   */
  sessionToken?: string;
  /**
   * The release imitated (sim/src/versions.ts): its queues, server version, `meta.version` and page titles.
   * Defaults to 3.1; ignored with `legacyOnly`.
   */
  immich?: ImmichProfile;
  /** Overrides the release's server version; 2.3.1 with `legacyOnly`. */
  version?: ImmichVersion;
  /** A pre-2.4 server: no Queues API (`/api/queues*` answer 404), only the legacy `/api/jobs`. */
  legacyOnly?: boolean;
}

/** A broken Immich for fault tests: every API call answers 500, or hangs (a minute, or until the caller gives up). */
export type ImmichFault = 'error' | 'hang' | null;

export interface FakeImmichApp {
  app: Hono;
  /** The admin's session token (cookie `immich_access_token`). */
  sessionToken: string;
  setFault(fault: ImmichFault): void;
  /** Resolves once its queues are set up in Redis, as Immich's boot finishes before it serves. */
  ready(): Promise<void>;
  /** Closes its BullMQ queues. */
  close(): Promise<void>;
}

/** The fake Immich as a Hono app, acting on Redis through bullmq `Queue`s as Immich's server does. */
export function createFakeImmichApp(opts: FakeImmichOptions): FakeImmichApp {
  const immich = opts.legacyOnly ? null : (opts.immich ?? immichProfile());
  const store = new QueueStore(opts.redisUrl, immich?.queues, immich?.bullmq);
  const version = opts.version ?? immich?.version ?? { major: 2, minor: 3, patch: 1 };
  const auth: FakeAuth = {
    apiKey: opts.apiKey,
    sessionToken: opts.sessionToken ?? randomBytes(24).toString('base64url'),
  };
  const app = new Hono();
  let fault: ImmichFault = null;
  app.use('/api/*', async (c, next) => {
    if (fault === 'hang') await sleep(60_000, undefined, { signal: c.req.raw.signal }).catch(() => {});
    if (fault) return c.json({ message: 'Internal server error', statusCode: 500 }, 500);
    return next();
  });
  app.route('/api/server', serverRoutes(version, auth));
  if (immich?.queuesApi) app.route('/api/queues', queuesRoutes(store, auth));
  app.route('/api/jobs', jobsLegacyRoutes(store, auth));
  app.route('/api/assets', assetsRoutes(auth));

  app.route('/', jobsPageRoutes({ sessionToken: auth.sessionToken, immich }));

  app.notFound((c) => immichError(c, 404, `Cannot ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    console.error(`[fake immich] ${c.req.method} ${c.req.path}: ${error.message}`);
    return c.json({ message: 'Internal server error', statusCode: 500 }, 500);
  });
  return {
    app,
    sessionToken: auth.sessionToken,
    setFault: (next) => {
      fault = next;
    },
    ready: () => store.ready(),
    close: () => store.close(),
  };
}

export interface FakeImmich {
  /** `http://127.0.0.1:<port>` (no `/api`). */
  url: string;
  app: Hono;
  /** The admin's session token: `immich_access_token=<it>` is the cookie a signed-in browser sends. */
  sessionToken: string;
  setFault(fault: ImmichFault): void;
  stop(): Promise<void>;
}

export async function startFakeImmich(opts: FakeImmichOptions & { port?: number }): Promise<FakeImmich> {
  const { app, sessionToken, setFault, ready, close } = createFakeImmichApp(opts);
  try {
    await ready();
  } catch (error) {
    await close();
    throw error;
  }
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: opts.port ?? 0 }, (info) =>
      resolve({ server, port: info.port }),
    );
    server.once('error', reject); // e.g. EADDRINUSE on a fixed port
  }).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    sessionToken,
    setFault,
    stop: async () => {
      // Drop keep-alive connections too, or close() waits for clients (a bridge polling) to hang up.
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
    },
  };
}

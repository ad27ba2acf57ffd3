/**
 * bull-board (`@bull-board/api` with `@bull-board/hono`, default options) over Immich's queues, as a peer to
 * measure the bridge against. Run as its own process by snapshot.bench.ts: REDIS_URL, PORT.
 * GET /ui/api/queues is the list its UI polls.
 */
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { QUEUES } from '@immich-admin-tools/shared';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { Redis } from 'ioredis';

const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const board = new HonoAdapter(serveStatic);
board.setBasePath('/ui');
createBullBoard({
  // skipMetasUpdate: bull-board must not rewrite Immich's meta.version either.
  queues: QUEUES.map(
    (q) => new BullMQAdapter(new Queue(q.name, { connection, prefix: 'immich_bull', skipMetasUpdate: true })),
  ),
  // @bull-board/hono pins its own patch release of @bull-board/api: the same shape, separately declared.
  serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
});
const app = new Hono().route('/ui', board.registerPlugin());
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) }, () =>
  process.stdout.write('ready\n'),
);

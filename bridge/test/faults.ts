import { connect, createServer, type Socket } from 'node:net';
import type { ErrorBody, QueueDetail } from '@immich-admin-tools/shared';
import type { Redis } from 'ioredis';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { startWorker } from '../../sim/src/bull/workers.ts';
import type { BridgeHarness } from './harness.ts';

/** Helpers shared by the fault tests (faults-*.spec.ts). */

/**
 * `n` active jobs whose worker is gone: a hanging worker takes them, then is force-closed, so their
 * short locks expire and nothing renews or finishes them. Resolves once `h`'s bridge shows all orphaned.
 */
export async function orphanedJobs(h: BridgeHarness, redisUrl: string, queue: string, n: number): Promise<string[]> {
  const worker = await startWorker({ redisUrl, queue, behavior: 'hang', concurrency: n, lockDuration: 1000 });
  const ids = await addImmichJobs(
    redisUrl,
    queue,
    Array.from({ length: n }, (_, i) => ({ name: 'SmartSearch', data: { id: `asset-${queue}-${i}` } })),
  );
  await worker.waitForActive(n);
  await worker.close();
  await h.until(
    async () => {
      const d = (await h.api<QueueDetail>(`/api/queues/${queue}`)).body;
      const orphaned = new Set(d.stuckJobs?.filter((j) => j.state === 'orphaned').map((j) => j.jobId));
      return ids.every((id) => orphaned.has(id)) ? true : undefined;
    },
    30_000,
    `${n} orphaned jobs in ${queue}`,
  );
  return ids;
}

const LISTS = ['wait', 'active', 'paused'] as const;
const SETS = ['failed', 'completed', 'delayed', 'prioritized'] as const;
export type Place = (typeof LISTS)[number] | (typeof SETS)[number];

export interface Whereabouts {
  hash: boolean;
  places: Place[];
}

/** Where each job is in BullMQ's lists and sets, and whether its hash exists. */
export async function placesOf(redis: Redis, queue: string, ids: string[]): Promise<Map<string, Whereabouts>> {
  const k = (s: string) => `immich_bull:${queue}:${s}`;
  const result = new Map<string, Whereabouts>();
  for (const id of ids) {
    const places: Place[] = [];
    for (const list of LISTS) {
      const at = (await redis.call('LPOS', k(list), id, 'COUNT', 0)) as number[];
      for (let i = 0; i < at.length; i++) places.push(list);
    }
    for (const set of SETS) if ((await redis.zscore(k(set), id)) !== null) places.push(set);
    result.set(id, { hash: (await redis.exists(k(id))) === 1, places });
  }
  return result;
}

/** Jobs not whole: a hash in no list or in two, or a list entry without a hash. */
export function halfCleared(all: Map<string, Whereabouts>): string[] {
  return [...all]
    .filter(([, w]) => (w.hash ? w.places.length !== 1 : w.places.length > 0))
    .map(([id, w]) => `${id}: hash ${w.hash}, in ${w.places.join('+') || 'nothing'}`);
}

export const codeOf = (body: unknown) => (body as ErrorBody | null)?.error?.code ?? null;

/**
 * A TCP gate in front of a redis-server. Shut, it cuts every connection through it and drops new ones at once,
 * so a client behind it sees Redis down, while Redis runs on and a MONITOR on it misses none of its commands.
 */
export interface RedisGate {
  url: string;
  /** Where Redis sees the connections through the gate come from (`host:port`, as MONITOR names its clients). */
  readonly sources: ReadonlySet<string>;
  /** Connections dropped since the last `shut()`: the client's reconnect attempts. */
  readonly refused: number;
  shut(): void;
  open(): void;
  close(): Promise<void>;
}

export async function startRedisGate(redisPort: number): Promise<RedisGate> {
  let open = true;
  let refused = 0;
  const sockets = new Set<Socket>();
  const sources = new Set<string>();
  const track = (socket: Socket, other: Socket) => {
    sockets.add(socket);
    socket.on('error', () => other.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      other.destroy();
    });
  };
  const server = createServer((client) => {
    if (!open) {
      refused++;
      client.destroy();
      return;
    }
    const upstream = connect(redisPort, '127.0.0.1', () => sources.add(`127.0.0.1:${upstream.localPort}`));
    track(client, upstream);
    track(upstream, client);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    sources,
    get refused() {
      return refused;
    },
    shut() {
      open = false;
      refused = 0;
      for (const socket of sockets) socket.destroy();
    },
    open() {
      open = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

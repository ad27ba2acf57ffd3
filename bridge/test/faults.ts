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

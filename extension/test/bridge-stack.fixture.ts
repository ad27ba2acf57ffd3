/**
 * The real bridge for the background's tests: a private redis-server, the simulator's fake Immich and our
 * bridge over both (the bridge's own test stack, started once per spec file), plus real stuck jobs.
 */
import type { ActiveJob, QueueDetail, StatusResponse } from '@immich-admin-tools/shared';
import { beforeEach } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { TOKEN, useStack, workOn } from '../../bridge/test/harness.ts';
import { ADMIN_USER, ASSETS, OTHER_USER } from '../../sim/src/fake-immich/assets.ts';
import type { Instance } from '../lib/messaging.ts';
import { instancesItem } from '../lib/storage.ts';
import { instance } from './snapshot.factory.ts';

/** The queue whose jobs turn "hung" after 1 s (STUCK_THRESHOLDS), so tests get stuck jobs fast. */
export const STUCK_QUEUE = 'faceDetection';

const adminAssets = ASSETS.filter((asset) => asset.ownerId === ADMIN_USER.id);
/** An asset the bridge's API key may not read: Immich refuses its thumbnail. */
export const otherUsersAsset = ASSETS.find((asset) => asset.ownerId === OTHER_USER.id)!;

export function useBridgeStack() {
  const stack = useStack({ STUCK_THRESHOLDS: `${STUCK_QUEUE}=1` });
  let nextAsset = 0;

  const target = () => ({ bridgeUrl: stack.h.bridge.url, token: TOKEN });
  const bridgeApi = async <T>(path: string) => (await stack.h.api<T>(path)).body;
  const connected = async () => (await bridgeApi<StatusResponse>('/api/status')).connected;

  /** The "home" instance of the snapshot factory, pointed at this bridge. */
  const home = (overrides: Partial<Instance> = {}) => instance({ ...target(), ...overrides });

  return {
    stack,
    target,
    home,
    /** Resets fakeBrowser before each test and configures `home` as the only instance. */
    useHomeInstance() {
      beforeEach(async () => {
        fakeBrowser.reset();
        await instancesItem.setValue([home()]);
      });
    },
    /**
     * `count` face-detection jobs on the admin's assets, held by a live worker that never returns: once the
     * bridge shows them hung, with their file names, they come back as the bridge describes them.
     */
    async hungJobs(count: number): Promise<ActiveJob[]> {
      const assets = adminAssets.slice(nextAsset, (nextAsset += count));
      const jobs = assets.map((asset) => ({ name: 'AssetDetectFaces', data: { id: asset.id } }));
      const { ids } = await workOn(stack, { queue: STUCK_QUEUE, behavior: 'hang', concurrency: count }, jobs, count);
      return stack.h.until(
        async () => {
          const { stuckJobs } = await bridgeApi<QueueDetail>(`/api/queues/${STUCK_QUEUE}`);
          const found = ids.map((id) => stuckJobs.find((job) => job.jobId === id && job.assetFileName !== null));
          return found.every((job) => job?.state === 'hung') ? (found as ActiveJob[]) : undefined;
        },
        30_000,
        `${count} hung jobs`,
      );
    },
    /** Stops redis-server until the bridge reports it gone, runs `check`, then brings Redis back (empty). */
    async whileRedisDown(check: () => Promise<void>): Promise<void> {
      // Sim workers would only complain about the lost connection.
      await Promise.all(stack.workers.splice(0).map((worker) => worker.close()));
      await stack.redisServer.stop();
      try {
        await stack.h.until(async () => ((await connected()) ? undefined : true), 30_000, 'the bridge to lose Redis');
        await check();
      } finally {
        await stack.redisServer.start();
        await stack.h.until(async () => ((await connected()) ? true : undefined), 30_000, 'the bridge to reconnect');
      }
    },
  };
}

// @vitest-environment node
// (The background calls Immich with host permission, so no CORS applies; happy-dom's fetch would enforce it.)
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  addImmichJobs,
  freePort,
  startFakeImmich,
  startRedisServer,
  startWorker,
  type FakeImmich,
  type RedisServer,
} from '@immich-admin-tools/sim';
import { sightingsItem } from '../lib/storage.ts';
import { instance } from '../test/snapshot.factory.ts';
import { pollInstance } from './poller.ts';

let redisServer: RedisServer;
let immich: FakeImmich;
const realFetch = globalThis.fetch;

/** An instance without a bridge, on the fake Immich. */
const noBridge = () => instance({ immichUrl: immich.url, bridgeUrl: '', token: '' });

beforeAll(async () => {
  redisServer = await startRedisServer();
  immich = await startFakeImmich({ redisUrl: redisServer.url, apiKey: 'bridge-key-not-used-here' });
});
afterAll(async () => {
  await immich?.stop();
  await redisServer?.dispose();
});

beforeEach(() => {
  fakeBrowser.reset();
  // The browser's cookie jar after the admin signed in to Immich: the background's calls carry the session.
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) =>
    realFetch(input, {
      ...init,
      headers: { ...(init?.headers as Record<string, string>), cookie: `immich_access_token=${immich.sessionToken}` },
    }),
  );
});

/** Polls until `check` holds (BullMQ moves the jobs on its own time). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('polling an instance without a bridge', () => {
  it("shows Immich's counts, dates each active job by its first sighting and prunes the ones gone", async () => {
    // One slot: A runs, then B; each for a few seconds, long enough to be seen.
    const worker = await startWorker({
      redisUrl: redisServer.url,
      queue: 'duplicateDetection',
      behavior: 'complete',
      durationMs: 4000,
      concurrency: 1,
    });
    try {
      const [a, b] = await addImmichJobs(redisServer.url, 'duplicateDetection', [
        { name: 'AssetDetectDuplicates', data: { id: 'asset-a' } },
        { name: 'AssetDetectDuplicates', data: { id: 'asset-b' } },
      ]);
      await worker.waitForActive(1);
      // Seen five minutes ago, by an earlier poll: that first sighting is what counts.
      const earlier = Date.now() - 5 * 60_000;
      await sightingsItem('home').setValue({ duplicateDetection: { [a!]: earlier } });

      const first = await pollInstance(noBridge());
      expect(first).toMatchObject({
        status: null,
        queues: [],
        error: null,
        direct: { reason: 'no_bridge', error: null },
      });
      const queue = first.direct!.queues.find((q) => q.name === 'duplicateDetection');
      expect(queue).toMatchObject({ title: 'Duplicate Detection', statistics: { active: 1, waiting: 1 } });
      expect(queue!.activeJobs).toEqual([expect.objectContaining({ jobId: a, firstSeenAt: earlier })]);

      await until(() => worker.active.length === 1 && worker.active[0] === b, 'the second job to run');
      const second = await pollInstance(noBridge(), first);
      const seen = second.direct!.queues.find((q) => q.name === 'duplicateDetection')!.activeJobs!;
      expect(seen.map((job) => job.jobId)).toEqual([b]);
      expect(seen[0]!.firstSeenAt).toBeGreaterThan(earlier);
      expect(await sightingsItem('home').getValue()).toEqual({ duplicateDetection: { [b!]: seen[0]!.firstSeenAt } });
    } finally {
      await worker.close();
    }
  });

  it('asks a signed-out browser to sign in, keeping the last counts', async () => {
    const good = await pollInstance(noBridge());
    vi.mocked(globalThis.fetch).mockImplementation((input, init) => realFetch(input, init));
    const signedOut = await pollInstance(noBridge(), good);
    expect(signedOut.error).toMatchObject({ kind: 'immich_auth', status: 401 });
    expect(signedOut.direct).toMatchObject({ error: { kind: 'immich_auth' }, fetchedAt: good.direct!.fetchedAt });
    expect(signedOut.direct!.queues).toEqual(good.direct!.queues);
  });

  it("falls back to Immich's own API when the bridge does not answer, and says so", async () => {
    const down = instance({ immichUrl: immich.url, bridgeUrl: `http://127.0.0.1:${await freePort()}` });
    vi.spyOn(fakeBrowser.permissions, 'contains').mockResolvedValue(true);
    const snapshot = await pollInstance(down);
    expect(snapshot.error).toMatchObject({ kind: 'unreachable' });
    expect(snapshot.direct).toMatchObject({ reason: 'bridge_down', error: null, fetchedAt: expect.any(Number) });
    expect(snapshot.direct!.queues).toHaveLength(19);
  });
});

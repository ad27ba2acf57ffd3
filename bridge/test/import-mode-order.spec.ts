import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryResponse, ImportModeResponse } from '@immich-admin-tools/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { startWorker, type SimWorker } from '../../sim/src/bull/workers.ts';
import { startFakeImmich, type FakeImmich } from '../../sim/src/fake-immich/app.ts';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { API_KEY, errorCode, startHarness, type BridgeHarness } from './harness.ts';

/** Real BullMQ queues drained by completing sim workers, with import mode pausing and resuming them via the fake Immich. */
let redisServer: RedisServer;
let immich: FakeImmich;
let h: BridgeHarness;
const workers: SimWorker[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'iat-import-'));
const env = () => ({ IMMICH_API_URL: immich.url, IMMICH_API_KEY: API_KEY, DATA_DIR: dataDir });

beforeAll(async () => {
  redisServer = await startRedisServer();
  immich = await startFakeImmich({ redisUrl: redisServer.url, apiKey: API_KEY });
  h = await startHarness(env(), redisServer);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await h?.close();
  await immich?.stop();
  await redisServer?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

const jobs = (name: string, n: number) => Array.from({ length: n }, (_, i) => ({ name, data: { id: `${name}-${i}` } }));
const isPaused = async (queue: string) => (await h.redis.hexists(`immich_bull:${queue}:meta`, 'paused')) === 1;
const view = async () => (await h.api<ImportModeResponse>('/api/import-mode')).body;
const stateOf = (v: ImportModeResponse, queue: string) => v.steps.find((s) => s.queue === queue)?.state;
/** Until the bridge's snapshot holds every one of `queues` (their jobs were just added). */
const seen = (queues: string[]) =>
  h.until(async () => {
    const names = new Set(h.bridge.snapshots.snapshot?.queues.map((q) => q.name));
    return queues.every((q) => names.has(q)) ? true : undefined;
  });

async function work(queue: string, durationMs: number): Promise<void> {
  workers.push(
    await startWorker({ redisUrl: redisServer.url, queue, behavior: 'complete', durationMs, concurrency: 2 }),
  );
}

/** Milliseconds (Redis clock) of a queue's `active` and `completed` events, from its events stream. */
async function eventTimes(queue: string, event: 'active' | 'completed'): Promise<number[]> {
  const entries = await h.redis.xrange(`immich_bull:${queue}:events`, '-', '+');
  return entries.filter(([, fields]) => fields[1] === event).map(([id]) => Number(id.split('-')[0]));
}

async function importModeRows(): Promise<{ event: string; queue: string | null }[]> {
  const page = (await h.api<HistoryResponse>('/api/history?limit=500')).body;
  return page.items.filter((row) => row.actor === 'import-mode').map((row) => ({ event: row.event, queue: row.queue }));
}

describe('import mode', () => {
  const ORDER = ['metadataExtraction', 'thumbnailGeneration', 'faceDetection', 'smartSearch'];

  it('runs the queues in order, leaves a hand-paused queue paused, and carries on across a bridge restart', async () => {
    await addImmichJobs(redisServer.url, 'metadataExtraction', jobs('AssetExtractMetadata', 12));
    await addImmichJobs(redisServer.url, 'thumbnailGeneration', jobs('AssetGenerateThumbnails', 12));
    await addImmichJobs(redisServer.url, 'faceDetection', jobs('AssetDetectFaces', 6));
    await addImmichJobs(redisServer.url, 'smartSearch', jobs('SmartSearch', 3));
    await seen(ORDER);
    expect((await h.api('/api/queues/smartSearch/pause', { method: 'POST' })).status).toBe(200);

    const on = await h.api<ImportModeResponse>('/api/import-mode', {
      method: 'PUT',
      json: { enabled: true, order: ORDER },
    });
    expect(on.status).toBe(200);
    expect(on.body.running).toBe('metadataExtraction');
    expect(on.body.steps.map((s) => s.state)).toEqual(['running', 'waiting', 'waiting', 'held-by-admin']);
    expect([await isPaused('thumbnailGeneration'), await isPaused('faceDetection')]).toEqual([true, true]);
    expect(await isPaused('metadataExtraction')).toBe(false);
    const status = await h.api<{ importMode: unknown }>('/api/status');
    expect(status.body.importMode).toEqual({ enabled: true, running: 'metadataExtraction', steps: on.body.steps });

    // Workers start only now: nothing of a later step could have run before import mode held it.
    await work('metadataExtraction', 15);
    await work('thumbnailGeneration', 150);
    await work('faceDetection', 15);
    await work('smartSearch', 15);
    await h.until(
      async () => ((await view()).running === 'thumbnailGeneration' ? true : undefined),
      20_000,
      'thumbnails',
    );
    expect(await isPaused('faceDetection')).toBe(true);

    // Restart in the middle: the hold on faceDetection is in the store, so the new bridge gives it back.
    await h.close();
    h = await startHarness(env(), redisServer);
    await h.until(
      async () => {
        const v = await view();
        return v.running === null && stateOf(v, 'faceDetection') === 'done' ? true : undefined;
      },
      30_000,
      'every step drained',
    );

    const v = await view();
    expect(v.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'held-by-admin']);
    expect(await isPaused('smartSearch')).toBe(true);
    expect(await h.redis.llen('immich_bull:smartSearch:paused')).toBe(3);
    for (const queue of ['thumbnailGeneration', 'faceDetection']) expect(await isPaused(queue)).toBe(false);

    // Each step started only after the one before it finished its last job.
    for (let i = 1; i < 3; i++) {
      const lastDone = Math.max(...(await eventTimes(ORDER[i - 1]!, 'completed')));
      const firstStart = Math.min(...(await eventTimes(ORDER[i]!, 'active')));
      expect(firstStart).toBeGreaterThanOrEqual(lastDone);
    }
    const rows = await importModeRows();
    expect(rows).toEqual(
      expect.arrayContaining([
        { event: 'queue_paused', queue: 'thumbnailGeneration' },
        { event: 'queue_paused', queue: 'faceDetection' },
        { event: 'queue_resumed', queue: 'thumbnailGeneration' },
        { event: 'queue_resumed', queue: 'faceDetection' },
      ]),
    );
    expect(rows).toHaveLength(4);
  });

  it('leaves a hold the admin lifted, and switched off gives back exactly what it took', async () => {
    // No workers: sidecar keeps its work, so everything after it stays held.
    await addImmichJobs(redisServer.url, 'sidecar', jobs('SidecarCheck', 3));
    await addImmichJobs(redisServer.url, 'ocr', jobs('Ocr', 2));
    await addImmichJobs(redisServer.url, 'duplicateDetection', jobs('AssetDetectDuplicates', 2));
    await addImmichJobs(redisServer.url, 'library', jobs('LibrarySyncFiles', 2));
    await seen(['sidecar', 'ocr', 'duplicateDetection', 'library']);
    expect((await h.api('/api/queues/library/pause', { method: 'POST' })).status).toBe(200);
    const before = (await importModeRows()).length;

    const on = await h.api<ImportModeResponse>('/api/import-mode', {
      method: 'PUT',
      json: { order: ['sidecar', 'ocr', 'duplicateDetection', 'library'] },
    });
    expect(on.body.steps.map((s) => s.state)).toEqual(['running', 'waiting', 'waiting', 'held-by-admin']);

    // The admin resumes a held step by hand: import mode lets it run instead of pausing it again.
    expect((await h.api('/api/queues/duplicateDetection/resume', { method: 'POST' })).status).toBe(200);
    await h.until(async () => (stateOf(await view(), 'duplicateDetection') === 'released-by-admin' ? true : undefined));
    await h.bridge.snapshots.tick();
    expect(await isPaused('duplicateDetection')).toBe(false);

    const off = await h.api<ImportModeResponse>('/api/import-mode', { method: 'PUT', json: { enabled: false } });
    expect(off.body.steps.map((s) => s.state)).toEqual(['off', 'off', 'off', 'held-by-admin']);
    expect(await isPaused('ocr')).toBe(false);
    expect(await isPaused('library')).toBe(true);
    const rows = await importModeRows();
    // Newest first.
    expect(rows.slice(0, rows.length - before)).toEqual([
      { event: 'queue_resumed', queue: 'ocr' },
      { event: 'queue_paused', queue: 'duplicateDetection' },
      { event: 'queue_paused', queue: 'ocr' },
    ]);
  });

  it('refuses an order it could not keep', async () => {
    for (const order of [['ocr', 'ocr'], ['ocr', 'backgroundTask'], ['ocr'], ['not a queue', 'ocr']]) {
      const res = await h.api('/api/import-mode', { method: 'PUT', json: { order } });
      expect(res.status).toBe(400);
      expect(errorCode(res.body)).toBe('BAD_REQUEST');
    }
    expect((await h.api('/api/import-mode', { method: 'PUT', json: { enabled: 'yes' } })).status).toBe(400);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { QueuesResponse, StatsResponse } from '@immich-admin-tools/shared';
import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { connectionFromUrl } from '../../sim/src/bull/connection.ts';
import { IMMICH_PREFIX, openImmichQueue } from '../../sim/src/bull/immich-queues.ts';
import { useStack } from './harness.ts';

const s = useStack();
const RUN_MS = 120_000;
const JOB_MS = 200;

describe('rates and durations from the events stream', () => {
  it('measures a steady queue within 10% of its true rate over 2 minutes, and its durations within 10%', async () => {
    // The truth, from the worker itself: every completion and its real run time (processedOn to finishedOn).
    const durations: number[] = [];
    const worker = new Worker('thumbnailGeneration', () => sleep(JOB_MS), {
      prefix: IMMICH_PREFIX,
      connection: connectionFromUrl(s.redisServer.url),
      concurrency: 3,
      name: 'microservices',
    });
    worker.on('completed', (job) => durations.push(job.finishedOn! - job.processedOn!));
    await worker.waitUntilReady();
    const queue = openImmichQueue(s.redisServer.url, 'thumbnailGeneration');
    try {
      // Drive 8 jobs a second (480/min): well within 3 slots of 200 ms, so the queue never backs up.
      const started = Date.now();
      let added = 0;
      while (Date.now() - started < RUN_MS) {
        const due = Math.floor(((Date.now() - started) / 1000) * 8);
        if (due > added) {
          await queue.addBulk(
            Array.from({ length: due - added }, (_, i) => ({
              name: 'AssetGenerateThumbnails',
              data: { id: `a-${added + i}` },
            })),
          );
          added = due;
        }
        await sleep(50);
      }
      await sleep(1500);
      await s.h.bridge.snapshots.tick();
      const minutes = (Date.now() - started) / 60_000;
      const completed = durations.length;
      const trueRate = completed / minutes;
      const trueAvg = durations.reduce((a, b) => a + b, 0) / completed;
      const summary = (await s.h.api<QueuesResponse>('/api/queues')).body.queues.find(
        (q) => q.name === 'thumbnailGeneration',
      )!;
      expect(Math.abs(summary.rate - trueRate) / trueRate).toBeLessThan(0.1);
      expect(Math.abs(summary.avgDurationMs! - trueAvg) / trueAvg).toBeLessThan(0.1);

      const stats = (await s.h.api<StatsResponse>('/api/stats?range=1h&queue=thumbnailGeneration')).body;
      const counted = stats.series[0]!.points.reduce((sum, p) => sum + p.completed, 0);
      // The bridge starts at the stream's end: it may miss only jobs finished before it looked.
      expect(Math.abs(counted - completed) / completed).toBeLessThan(0.1);
      const byName = stats.byJobName.find((r) => r.jobName === 'AssetGenerateThumbnails')!;
      expect(Math.abs(byName.avgDurationMs! - trueAvg) / trueAvg).toBeLessThan(0.1);
      expect(stats.series[0]!.points.every((p) => p.lost === 0)).toBe(true);
    } finally {
      await queue.close();
      await worker.close();
    }
  }, 200_000);
});

import type {
  AutoHealRunResponse,
  HistoryItem,
  HistoryResponse,
  QueuesResponse,
  StatusResponse,
} from '@immich-admin-tools/shared';
import { describe, expect, it } from 'vitest';
import { startWorker } from '../../sim/src/bull/workers.ts';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { ASSETS, OTHER_USER } from '../../sim/src/fake-immich/assets.ts';
import { CLEARED_REASON } from '../src/actions/actions.service.ts';
import { startHarness, useStack, workOn, type Stack } from './harness.ts';

const mine = ASSETS.filter((a) => a.ownerId !== OTHER_USER.id);

// Off at start: each test switches on what it needs through the settings API.
const s = useStack({
  AUTO_HEAL_ENABLED: 'false',
  AUTO_HEAL_INTERVAL_SECONDS: '1',
  QUARANTINE_AFTER: '0',
  STUCK_THRESHOLDS: 'faceDetection=1,ocr=1',
});

const key = (queue: string, id: string) => `immich_bull:${queue}:${id}`;

async function rows(stack: Stack['h'], query: string): Promise<HistoryItem[]> {
  return (await stack.api<HistoryResponse>(`/api/history${query}`)).body.items;
}

async function setAutoHeal(fields: Record<string, unknown>) {
  const res = await s.h.api('/api/settings', { method: 'PUT', json: { autoHeal: fields } });
  expect(res.status).toBe(200);
}

/** A job left in `active` by a worker that died: its lock expires and nobody runs it. */
async function orphan(queue: string, assetIndex: number, existing?: string): Promise<string> {
  const worker = await startWorker({ redisUrl: s.redisServer.url, queue, behavior: 'hang', lockDuration: 1000 });
  const ids = existing
    ? [existing]
    : await addImmichJobs(s.redisServer.url, queue, [{ name: 'AssetDetectFaces', data: { id: mine[assetIndex]!.id } }]);
  await worker.waitForActive(1);
  await worker.close();
  await s.h.until(
    async () => ((await s.h.redis.exists(key(queue, `${ids[0]}:lock`))) === 0 ? true : undefined),
    10_000,
    'lock gone',
  );
  return ids[0]!;
}

const activeIds = (queue: string) => s.h.redis.lrange(key(queue, 'active'), 0, -1);

describe('auto-heal on real BullMQ jobs', () => {
  it('retries an orphan the first time (to the back of the line) and fails it the second time', async () => {
    const queue = 'faceDetection';
    const jobId = await orphan(queue, 0);
    await setAutoHeal({ enabled: true, action: 'clear_and_log' });
    try {
      // One interval is 1 s: well within this.
      await s.h.until(
        async () => ((await s.h.redis.lpos(key(queue, 'wait'), jobId)) !== null ? true : undefined),
        10_000,
        'retried',
      );
      expect(await activeIds(queue)).not.toContain(jobId);
      const [retried] = await rows(s.h, `?queue=${queue}&jobId=${jobId}&event=stuck_job_cleared`);
      expect(retried).toMatchObject({ actor: 'auto-heal', mode: 'retry' });
      expect(retried!.detail).toMatchObject({ result: 'cleared', state: 'orphaned' });

      // A worker takes it again and dies again: this time it is failed, not sent round once more.
      await orphan(queue, 0, jobId);
      await s.h.until(
        async () => ((await s.h.redis.zscore(key(queue, 'failed'), jobId)) !== null ? true : undefined),
        10_000,
        'failed',
      );
      expect(await s.h.redis.hget(key(queue, jobId), 'failedReason')).toBe(CLEARED_REASON);
      const cleared = await rows(s.h, `?queue=${queue}&jobId=${jobId}&event=stuck_job_cleared`);
      expect(cleared.map((r) => [r.actor, r.mode, r.detail?.result])).toEqual([
        ['auto-heal', 'fail', 'cleared'],
        ['auto-heal', 'retry', 'cleared'],
      ]);
      const status = (await s.h.api<StatusResponse>('/api/status')).body.autoHeal;
      expect(status).toMatchObject({ enabled: true, action: 'clear_and_log', dryRun: false });
      expect(status.lastActions?.[0]).toMatchObject({
        queue,
        jobId,
        state: 'orphaned',
        action: 'fail',
        result: 'done',
      });
    } finally {
      await setAutoHeal({ enabled: false });
    }
  });

  it('fails a hung job and never retries it, and records its asset as a problem asset', async () => {
    const queue = 'ocr';
    const {
      ids: [jobId],
    } = await workOn(s, { queue, behavior: 'hang' }, [{ name: 'Ocr', data: { id: mine[1]!.id } }], 1);
    await s.h.until(
      async () => {
        const q = (await s.h.api<QueuesResponse>('/api/queues')).body.queues.find((x) => x.name === queue);
        return q?.stuckJobs.some((j) => j.jobId === jobId && j.state === 'hung') ? true : undefined;
      },
      10_000,
      'hung',
    );
    await setAutoHeal({ enabled: true, action: 'clear_and_log' });
    try {
      await s.h.until(
        async () => ((await s.h.redis.zscore(key(queue, 'failed'), jobId!)) !== null ? true : undefined),
        10_000,
        'failed',
      );
      const cleared = await rows(s.h, `?queue=${queue}&jobId=${jobId}&event=stuck_job_cleared`);
      expect(cleared).toHaveLength(1);
      expect(cleared[0]).toMatchObject({ actor: 'auto-heal', mode: 'fail' });
      expect(cleared[0]!.detail).toMatchObject({ state: 'hung', slotsStillHeld: 1 });
      expect(await s.h.redis.lpos(key(queue, 'wait'), jobId!)).toBeNull();
      const problems = (
        await s.h.api<{ items: { assetId: string; timesStuck: number; queues: string[] }[] }>('/api/problem-assets')
      ).body;
      expect(problems.items.find((p) => p.assetId === mine[1]!.id)).toMatchObject({ timesStuck: 1, queues: [queue] });
    } finally {
      await setAutoHeal({ enabled: false });
    }
  });

  it('dry run: records what it would do and leaves Redis byte for byte as it was', async () => {
    const queue = 'faceDetection';
    const jobId = await orphan(queue, 2);
    await s.h.redis.lpush(key(queue, 'active'), 'dangling-dry-1');
    const dump = async () => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await s.h.redis.scan(cursor, 'MATCH', `immich_bull:${queue}:*`, 'COUNT', 1000);
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
      keys.sort();
      return Promise.all(keys.map(async (k) => [k, (await s.h.redis.dumpBuffer(k))?.toString('hex')]));
    };
    const before = await dump();
    await setAutoHeal({ dryRun: true, action: 'clear_and_restart' });
    try {
      const run = await s.h.api<AutoHealRunResponse>('/api/auto-heal/run', { method: 'POST' });
      expect(run.status).toBe(200);
      expect(run.body.actions.map((a) => [a.jobId, a.action, a.result]).sort()).toEqual(
        [
          ['dangling-dry-1', 'remove', 'dry_run'],
          [jobId, 'retry', 'dry_run'],
        ].sort(),
      );
      // Switched on for a few intervals: still nothing changes, and each job is reported once.
      await setAutoHeal({ enabled: true });
      await new Promise((r) => setTimeout(r, 2500));
      expect(await dump()).toEqual(before);
      const wouldClear = await rows(s.h, `?queue=${queue}&event=stuck_job_cleared`);
      const dry = wouldClear.filter((r) => r.detail?.result === 'dry_run');
      expect(dry.map((r) => [r.jobId, r.mode, r.actor]).sort()).toEqual(
        [
          ['dangling-dry-1', 'remove', 'auto-heal'],
          [jobId, 'retry', 'auto-heal'],
        ].sort(),
      );
    } finally {
      await setAutoHeal({ enabled: false, dryRun: false, action: 'clear_and_log' });
    }
    // Leave nothing stuck for the next test.
    await s.h.api('/api/actions/clear-all-stuck', { method: 'POST', json: { mode: 'remove' } });
  });

  it('opens the breaker when the hourly budget is spent: stops, records it once, closes on reset', async () => {
    const queue = 'faceDetection';
    // Earlier tests' actions count this hour too: start from a fresh budget.
    await s.h.api('/api/auto-heal/reset', { method: 'POST' });
    await s.h.redis.lpush(key(queue, 'active'), 'dangling-b-1', 'dangling-b-2', 'dangling-b-3');
    await setAutoHeal({ maxActionsPerHour: 2, enabled: true });
    try {
      await s.h.until(
        async () => ((await s.h.api<StatusResponse>('/api/status')).body.autoHeal.breaker?.open ? true : undefined),
        10_000,
        'breaker open',
      );
      await new Promise((r) => setTimeout(r, 2500));
      const left = (await activeIds(queue)).filter((id) => id.startsWith('dangling-b-'));
      expect(left).toHaveLength(1);
      expect(await rows(s.h, '?event=auto_heal_breaker_open')).toHaveLength(1);
      const status = (await s.h.api<StatusResponse>('/api/status')).body.autoHeal.breaker;
      expect(status).toMatchObject({ open: true, actionsThisHour: 2, budget: 2 });

      await setAutoHeal({ maxActionsPerHour: 30 });
      const reset = await s.h.api<AutoHealRunResponse>('/api/auto-heal/reset', { method: 'POST' });
      expect(reset.body.autoHeal.breaker?.open).toBe(false);
      await s.h.until(
        async () => ((await activeIds(queue)).some((id) => id.startsWith('dangling-b-')) ? undefined : true),
        10_000,
        'the last one dropped',
      );
      expect(await rows(s.h, '?event=auto_heal_breaker_open')).toHaveLength(1);
    } finally {
      await setAutoHeal({ enabled: false, maxActionsPerHour: 30 });
    }
  });

  it('two bridges on one Redis heal one job once', async () => {
    const queue = 'faceDetection';
    const env = { AUTO_HEAL_ENABLED: 'true', AUTO_HEAL_INTERVAL_SECONDS: '1', QUARANTINE_AFTER: '0' };
    const other = await startHarness(env, s.redisServer);
    try {
      await setAutoHeal({ enabled: true });
      await other.api('/api/auto-heal/reset', { method: 'POST' });
      const jobId = await orphan(queue, 3);
      await s.h.until(
        async () => ((await s.h.redis.lpos(key(queue, 'wait'), jobId)) !== null ? true : undefined),
        10_000,
        'retried',
      );
      // Both keep running passes; neither acts on it again.
      await new Promise((r) => setTimeout(r, 2500));
      const all = [
        ...(await rows(s.h, `?queue=${queue}&jobId=${jobId}&event=stuck_job_cleared`)),
        ...(await rows(other, `?queue=${queue}&jobId=${jobId}&event=stuck_job_cleared`)),
      ];
      expect(all.map((r) => [r.actor, r.mode, r.detail?.result])).toEqual([['auto-heal', 'retry', 'cleared']]);
      expect(await s.h.redis.lrange(key(queue, 'wait'), 0, -1)).toEqual([jobId]);
    } finally {
      await setAutoHeal({ enabled: false });
      await other.close();
    }
  });
});

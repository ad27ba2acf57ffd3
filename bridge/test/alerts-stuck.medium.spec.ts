import type { HistoryResponse } from '@immich-admin-tools/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSETS, OTHER_USER } from '../../sim/src/fake-immich/assets.ts';
import { startReceiver } from './alerts-receiver.ts';
import { useStack, workOn } from './harness.ts';

interface Payload {
  kind: string;
  severity: string;
  resolved: boolean;
  title: string;
  link: string | null;
  jobs: { queue: string; jobId: string; file: string | null; state: string | null; ageSeconds: number | null }[];
}

const receiver = await startReceiver();
const asset = ASSETS.find((a) => a.ownerId !== OTHER_USER.id)!;
const s = useStack({
  STUCK_THRESHOLDS: 'faceDetection=1',
  NOTIFY_URLS: `webhook+http://${receiver.url}/hook,discord+http://${receiver.url}/discord`,
});
afterAll(() => receiver.close());

const stuckAlerts = () => receiver.json<Payload>('/hook').filter((p) => p.kind === 'stuck_jobs');
/** Waits until the snapshot loop has ticked `n` more times. */
const ticks = (n: number) =>
  new Promise<void>((resolve) => {
    let seen = 0;
    const off = s.h.bridge.snapshots.onSnapshot(() => {
      if (++seen >= n) {
        off();
        resolve();
      }
    });
  });

describe('a hung job, end to end', () => {
  it('alerts exactly once while it hangs, and resolves exactly once when it is cleared', async () => {
    const {
      ids: [jobId],
    } = await workOn(
      s,
      { queue: 'faceDetection', behavior: 'hang' },
      [{ name: 'AssetDetectFaces', data: { id: asset.id } }],
      1,
    );

    const [alert] = await s.h.until(
      async () => (stuckAlerts().length ? stuckAlerts() : undefined),
      30_000,
      'the stuck alert',
    );
    expect(alert).toMatchObject({ severity: 'warning', resolved: false, title: '1 job stuck in Face Detection' });
    expect(alert!.link).toBe(`${s.immich.url}/admin/queues`);
    expect(alert!.jobs).toEqual([
      expect.objectContaining({ queue: 'faceDetection', jobId, state: 'hung', file: asset.originalPath }),
    ]);
    expect(alert!.jobs[0]!.ageSeconds).toBeGreaterThanOrEqual(1);
    const [embed] = (await s.h.until(async () => receiver.json<{ embeds: { color: number }[] }>('/discord')[0], 10_000))
      .embeds;
    expect(embed!.color).toBe(0xf9a825);

    // Still hung for many more ticks: the same job does not alert again.
    await ticks(8);
    expect(stuckAlerts()).toHaveLength(1);

    const cleared = await s.h.api(`/api/queues/faceDetection/jobs/${jobId}/clear`, {
      method: 'POST',
      json: { mode: 'fail' },
    });
    expect(cleared.status).toBe(200);
    await s.h.until(async () => (stuckAlerts().length >= 2 ? true : undefined), 30_000, 'the resolve notice');
    await ticks(8);
    expect(stuckAlerts().map((a) => [a.resolved, a.jobs.map((j) => j.jobId)])).toEqual([
      [false, [jobId]],
      [true, [jobId]],
    ]);

    const rows = (await s.h.api<HistoryResponse>('/api/history?event=alert_sent')).body.items;
    const stuckRows = rows.filter((r) => r.detail?.['kind'] === 'stuck_jobs');
    expect(stuckRows.map((r) => [r.detail?.['notifier'], r.detail?.['resolved'], r.detail?.['result']]).sort()).toEqual(
      [
        ['discord', false, 'sent'],
        ['discord', true, 'sent'],
        ['webhook', false, 'sent'],
        ['webhook', true, 'sent'],
      ],
    );
  });
});

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { HistoryEventName, HistoryItem } from '@immich-admin-tools/shared';
import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.ts';
import { AlertRules } from './alert-rules.ts';

let id = 0;
const row = (event: HistoryEventName, fields: Partial<HistoryItem> = {}): HistoryItem => ({
  id: ++id,
  timestamp: new Date().toISOString(),
  event,
  queue: null,
  jobId: null,
  jobName: null,
  assetId: null,
  assetPath: null,
  ageSeconds: null,
  actor: 'bridge',
  mode: null,
  detail: null,
  ...fields,
});
const stuck = (jobId: string, queue = 'faceDetection') =>
  row('stuck_job_detected', {
    queue,
    jobId,
    assetPath: `/photos/${jobId}.jpg`,
    ageSeconds: 125,
    detail: { state: 'hung' },
  });

function rules(settings: Partial<{ cooldownMinutes: number; failureSpike: number }> = {}) {
  const clock = { now: 1_000_000_000_000 };
  const sent: Alert[] = [];
  const r = new AlertRules(
    { cooldownMinutes: 30, failureSpike: 5, link: 'https://photos.example/admin/queues', ...settings },
    (alert) => sent.push(alert),
    () => clock.now,
  );
  return { r, sent, clock };
}

describe('alert rules', () => {
  it('sends the jobs that became stuck in one tick as one message, then one resolve', async () => {
    const { r, sent } = rules();
    r.row(stuck('1'));
    r.row(stuck('2'));
    r.row(stuck('7', 'ocr'));
    await nextTurn();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: 'stuck_jobs',
      severity: 'warning',
      resolved: false,
      title: '3 jobs stuck in 2 queues',
    });
    expect(sent[0]!.lines[0]).toBe('faceDetection · /photos/1.jpg · hung · 2m 05s');
    expect(sent[0]!.link).toBe('https://photos.example/admin/queues');

    r.row(row('stuck_job_cleared', { queue: 'faceDetection', jobId: '1', actor: 'user' }));
    r.row(row('stuck_job_resolved', { queue: 'ocr', jobId: '7' }));
    await nextTurn();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ kind: 'stuck_jobs', resolved: true, title: '2 jobs no longer stuck in 2 queues' });
  });

  it('holds back a condition that comes back within the cooldown, and its end too', async () => {
    const { r, sent, clock } = rules({ cooldownMinutes: 30 });
    r.row(row('queue_stalled', { queue: 'smartSearch' }));
    r.row(row('queue_stalled', { queue: 'smartSearch' })); // still the same condition
    r.row(row('queue_recovered', { queue: 'smartSearch' }));
    clock.now += 10 * 60_000;
    r.row(row('queue_stalled', { queue: 'smartSearch' }));
    r.row(row('queue_recovered', { queue: 'smartSearch' }));
    expect(sent.map((a) => [a.kind, a.resolved])).toEqual([
      ['queue_stalled', false],
      ['queue_stalled', true],
    ]);
    expect(sent[0]).toMatchObject({ severity: 'critical', title: 'Smart Search is stalled' });
    clock.now += 31 * 60_000;
    r.row(row('queue_stalled', { queue: 'smartSearch' }));
    expect(sent).toHaveLength(3);
    // Another queue's condition is its own.
    r.row(row('no_workers', { queue: 'ocr' }));
    r.row(row('workers_back', { queue: 'ocr' }));
    expect(sent.slice(3).map((a) => [a.kind, a.resolved])).toEqual([
      ['no_workers', false],
      ['no_workers', true],
    ]);
  });

  it('re-alerts a stuck job only after the cooldown', async () => {
    const { r, sent, clock } = rules({ cooldownMinutes: 30 });
    r.row(stuck('9'));
    await nextTurn();
    r.row(row('stuck_job_resolved', { queue: 'faceDetection', jobId: '9' }));
    await nextTurn();
    r.row(stuck('9'));
    await nextTurn();
    expect(sent).toHaveLength(2);
    r.row(row('stuck_job_resolved', { queue: 'faceDetection', jobId: '9' }));
    clock.now += 31 * 60_000;
    r.check(); // prunes what ended
    r.row(stuck('9'));
    await nextTurn();
    expect(sent).toHaveLength(3);
  });

  it('finds a failure spike: enough failures this hour and 3× the hour before; resolves when it passes', () => {
    const { r, sent, clock } = rules({ failureSpike: 5 });
    const hour = 3_600_000;
    for (let i = 0; i < 3; i++) r.failed('ocr', clock.now - hour - 60_000); // the hour before: 3
    for (let i = 0; i < 8; i++) r.failed('ocr', clock.now - 1000); // this hour: 8 < 9
    r.check();
    expect(sent).toHaveLength(0);
    r.failed('ocr', clock.now);
    r.check();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'failure_spike', queue: 'ocr', resolved: false });
    expect(sent[0]!.text).toBe('9 jobs of OCR failed in the last hour (3 the hour before).');
    r.check();
    expect(sent).toHaveLength(1);
    clock.now += hour;
    r.check();
    expect(sent[1]).toMatchObject({ kind: 'failure_spike', resolved: true });
  });

  it("tells auto-heal's actions, its breaker, Immich restarts and Redis loss", async () => {
    const { r, sent } = rules();
    r.row(row('stuck_job_cleared', { actor: 'auto-heal', queue: 'ocr', jobId: '3', mode: 'fail' }));
    r.row(row('auto_heal_breaker_open', { actor: 'auto-heal' }));
    r.row(row('immich_restarted', { actor: 'immich' }));
    r.row(row('redis_lost'));
    r.row(row('redis_back'));
    r.row(row('alert_sent', { actor: 'alerts' }));
    await nextTurn();
    expect(sent.map((a) => [a.kind, a.severity, a.resolved])).toEqual([
      ['breaker_open', 'critical', false],
      ['immich_restarted', 'info', false],
      ['redis_lost', 'critical', false],
      ['redis_lost', 'critical', true],
      ['auto_heal', 'info', false],
    ]);
    expect(sent[4]!.lines).toEqual(['stuck job cleared · fail · ocr · 3']);
  });
});

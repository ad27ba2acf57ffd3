// @vitest-environment node
// (The background calls bridges with host permission, so no CORS applies; happy-dom's fetch would enforce it.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendMessage } from '../lib/messaging.ts';
import { STUCK_QUEUE, useBridgeStack } from '../test/bridge-stack.fixture.ts';
import { routeRuntimeMessages } from '../test/fake-messaging.ts';
import { registerHandlers } from './handlers.ts';
import { createPoller } from './poller.ts';

const s = useBridgeStack();

describe('insights messages against the real bridge', () => {
  let unregister: () => void;

  s.useHomeInstance();
  beforeEach(() => {
    routeRuntimeMessages();
    unregister = registerHandlers(createPoller({ onSnapshots: () => {} }));
  });
  afterEach(() => unregister());

  it('pages the history of a real stuck job and exports the same rows', async () => {
    const [job] = await s.hungJobs(2);
    const query = { instanceId: 'home', queue: STUCK_QUEUE, event: 'stuck_job_detected' } as const;
    const rows = await s.stack.h.until(async () => {
      const result = await sendMessage('getHistory', { ...query, limit: 1 });
      return result.ok && result.data.items.length === 1 ? result.data : undefined;
    });
    expect(rows.nextBefore).not.toBeNull();
    const older = await sendMessage('getHistory', { ...query, limit: 1, before: rows.nextBefore! });
    expect(older.ok && older.data.items.map((item) => item.id)).toEqual([expect.any(Number)]);
    const all = [...rows.items, ...(older.ok ? older.data.items : [])];
    expect(all.map((item) => item.jobId).sort()).toContain(job!.jobId);

    const ndjson = await sendMessage('exportHistory', { ...query, format: 'ndjson' });
    expect(ndjson.ok).toBe(true);
    if (!ndjson.ok) return;
    expect(ndjson.data.fileName).toMatch(/\.ndjson$/);
    const exported = ndjson.data.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number });
    expect(exported.map((row) => row.id)).toEqual(all.map((item) => item.id));
    const csv = await sendMessage('exportHistory', { ...query, format: 'csv' });
    expect(csv.ok && csv.data.text.trim().split('\r\n')).toHaveLength(all.length + 1);
  });

  it('reads stats, sparklines and settings, and brings a bad setting back with its field', async () => {
    const stats = await sendMessage('getStats', { instanceId: 'home', range: '24h' });
    expect(stats).toMatchObject({ ok: true, data: { range: '24h', totals: expect.any(Object) } });
    const sparklines = await sendMessage('getSparklines', { instanceId: 'home' });
    expect(sparklines.ok).toBe(true);
    const settings = await sendMessage('getSettings', { instanceId: 'home' });
    expect(settings.ok && settings.data.autoHeal?.intervalSeconds?.source).toBe('default');
    const bad = await sendMessage('updateSettings', {
      instanceId: 'home',
      update: { autoHeal: { intervalSeconds: 0 } },
    });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'http', status: 400, code: 'BAD_REQUEST' } });
    expect(!bad.ok && bad.error.fields?.['autoHeal.intervalSeconds']).toBeTruthy();
    const good = await sendMessage('updateSettings', {
      instanceId: 'home',
      update: { autoHeal: { intervalSeconds: 90 } },
    });
    expect(good.ok && good.data.autoHeal?.intervalSeconds).toEqual({
      value: 90,
      source: 'api',
      env: 'AUTO_HEAL_INTERVAL_SECONDS',
    });
  });
});

import type { AlertTestResponse, HistoryResponse, StatusResponse } from '@immich-admin-tools/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './alerts-receiver.ts';
import { freePort } from '../../sim/src/redis/redis-server.ts';
import { startHarness, type BridgeHarness } from './harness.ts';

let receiver: Receiver;
let h: BridgeHarness;

beforeAll(async () => {
  receiver = await startReceiver();
  const closedPort = await freePort();
  const r = receiver.url;
  h = await startHarness({
    NOTIFY_URLS: [
      `webhook+http://${r}/flaky`,
      `webhook+http://${r}/down`,
      `webhook+http://${r}/critical?severity=critical`,
      `webhook+http://127.0.0.1:${closedPort}/nobody`,
    ].join(','),
    ALERT_MAX_ATTEMPTS: '3',
    ALERT_RETRY_BASE_MS: '100',
  });
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

const notifier = async (id: string) =>
  (await h.api<StatusResponse>('/api/status')).body.notifiers?.find((n) => n.id === id);

describe('delivery', () => {
  it('retries a 429 after its Retry-After and a 500 with backoff, then reports the failing notifier, while the loop ticks on', async () => {
    receiver.reply('/flaky', [{ status: 429, headers: { 'retry-after': '2' } }, { status: 200 }]);
    receiver.reply('/down', [{ status: 500 }]);
    let ticks = 0;
    const off = h.bridge.snapshots.onSnapshot(() => ticks++);

    // A queue condition recorded in history is what drives an alert.
    h.bridge.history.record({ event: 'no_workers', actor: 'bridge', queue: 'ocr' });

    const down = await h.until(
      async () => {
        const n = await notifier('webhook-2');
        return n?.failing ? n : undefined;
      },
      20_000,
      'webhook-2 failing',
    );
    expect(down).toMatchObject({ failing: true, lastError: 'HTTP 500', lastSentAt: null });
    expect(receiver.at('/down')).toHaveLength(3);

    const flaky = await h.until(
      async () => {
        const n = await notifier('webhook-1');
        return n?.lastSentAt ? n : undefined;
      },
      20_000,
      'webhook-1 sent',
    );
    expect(flaky.failing).toBe(false);
    const [first, second] = receiver.at('/flaky');
    // Retry-After says 2 s; the backoff alone would have retried after 100 ms.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
    // The retry carries the same alert.
    expect(JSON.parse(second!.body)).toMatchObject({ kind: 'no_workers', queue: 'ocr' });

    // Sending never held the snapshot loop: it went on ticking (every 250 ms here) through the retries.
    off();
    expect(ticks).toBeGreaterThanOrEqual(4);

    const rows = (await h.api<HistoryResponse>('/api/history?event=alert_sent')).body.items.filter((r) =>
      ['webhook-1', 'webhook-2'].includes(String(r.detail?.['notifier'])),
    );
    expect(
      rows
        .map((r) => [r.detail?.['notifier'], r.detail?.['result'], r.detail?.['attempts'], r.detail?.['error'] ?? null])
        .sort(),
    ).toEqual([
      ['webhook-1', 'sent', 2, null],
      ['webhook-2', 'given_up', 3, 'HTTP 500'],
    ]);
  });

  it('sends to a notifier only what reaches its minimum severity', async () => {
    expect(receiver.at('/critical')).toHaveLength(0); // no_workers is a warning
    h.bridge.history.record({ event: 'queue_stalled', actor: 'bridge', queue: 'ocr' });
    const [message] = await h.until(
      async () => {
        const got = receiver.json<{ kind: string; severity: string }>('/critical');
        return got.length ? got : undefined;
      },
      10_000,
      'the critical alert',
    );
    expect(message).toMatchObject({ kind: 'queue_stalled', severity: 'critical' });
  });

  it('says why a receiver cannot be reached', async () => {
    const res = await h.api<AlertTestResponse>('/api/alerts/test', { method: 'POST', json: { notifier: 'webhook-4' } });
    expect(res.body.results).toEqual([
      { notifier: 'webhook-4', kind: 'webhook', result: 'failed', error: 'cannot connect (ECONNREFUSED)' },
    ]);
    expect(await notifier('webhook-4')).toMatchObject({ failing: true, lastError: 'cannot connect (ECONNREFUSED)' });
  });
});

import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.ts';
import { formatRequest } from './formats.ts';
import { parseNotifierUrls } from './notifier-url.ts';

const [discord, slack, ntfy, gotify, webhook] = parseNotifierUrls([
  'discord://1/a',
  'slack://T1/B2/c3',
  'ntfy://tk@ntfy.example/sub/topic',
  'gotify://tok@gotify.example',
  'https://hooks.example/in',
]);
const alert = (fields: Partial<Alert> = {}): Alert => ({
  kind: 'stuck_jobs',
  severity: 'warning',
  resolved: false,
  title: '30 jobs stuck in OCR',
  text: 'Active past their threshold:',
  lines: Array.from({ length: 30 }, (_, i) => `ocr · /photos/a&b<${i}>.jpg · hung · 5m 00s`),
  queue: 'ocr',
  jobs: [],
  link: 'https://photos.example/admin/queues',
  at: Date.UTC(2026, 11, 1, 3, 0, 0),
  ...fields,
});
const body = (spec: typeof discord, a: Alert) => JSON.parse(formatRequest(spec!, a, null, a.at).body);

describe('platform formats', () => {
  it('Discord: colour by severity, green when resolved, long lists cut with a count', () => {
    expect(body(discord, alert()).embeds[0].color).toBe(0xf9a825);
    expect(body(discord, alert({ severity: 'critical' })).embeds[0].color).toBe(0xd32f2f);
    const resolved = body(discord, alert({ resolved: true })).embeds[0];
    expect(resolved).toMatchObject({
      color: 0x43a047,
      title: 'Resolved: 30 jobs stuck in OCR',
      timestamp: '2026-12-01T03:00:00.000Z',
    });
    expect(resolved.description).toContain('… and 10 more');
  });

  it('Slack: escapes what mrkdwn would read as markup', () => {
    const text = body(slack, alert()).blocks[2].text.text as string;
    expect(text).toContain('a&amp;b&lt;0&gt;.jpg');
    expect(text).not.toContain('<0>');
  });

  it('ntfy: publishes to the server root with the topic, priority by severity, low when resolved', () => {
    const request = formatRequest(ntfy!, alert({ severity: 'critical' }), null, 0);
    expect(request.url).toBe('https://ntfy.example/sub');
    expect(request.headers['authorization']).toBe('Bearer tk');
    expect(JSON.parse(request.body)).toMatchObject({
      topic: 'topic',
      priority: 5,
      tags: ['rotating_light', 'stuck_jobs'],
    });
    expect(body(ntfy, alert({ resolved: true })).priority).toBe(2);
  });

  it('Gotify: priority by severity, the app token in its header', () => {
    const request = formatRequest(gotify!, alert(), null, 0);
    expect(request.url).toBe('https://gotify.example/message');
    expect(request.headers['x-gotify-key']).toBe('tok');
    expect(JSON.parse(request.body)).toMatchObject({
      priority: 6,
      extras: { 'client::notification': { click: { url: alert().link } } },
    });
  });

  it('webhook: unsigned without a secret, signed with one', () => {
    expect(Object.keys(formatRequest(webhook!, alert(), null, 0).headers)).toEqual(['content-type']);
    const signed = formatRequest(webhook!, alert(), 'a-secret-of-16-chars', 1_700_000_000_000).headers;
    expect(signed['x-webhook-timestamp']).toBe('1700000000');
    expect(signed['x-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signed['x-webhook-signature-256']).not.toBe(signed['x-signature-256']);
  });
});

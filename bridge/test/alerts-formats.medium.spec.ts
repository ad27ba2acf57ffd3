import { createHmac } from 'node:crypto';
import type { AlertTestResponse, HistoryResponse, SettingsResponse, StatusResponse } from '@immich-admin-tools/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startSmtpSink, type Receiver } from './alerts-receiver.ts';
import { errorCode, startHarness, type BridgeHarness } from './harness.ts';

const SECRET = 'webhook-secret-0123456789';
const NTFY_TOKEN = 'tk_ntfytoken0123';
const GOTIFY_TOKEN = 'GotifyAppToken42';

let receiver: Receiver;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let h: BridgeHarness;

const hmac = (data: string) => `sha256=${createHmac('sha256', SECRET).update(data).digest('hex')}`;

beforeAll(async () => {
  receiver = await startReceiver();
  smtp = await startSmtpSink();
  const r = receiver.url;
  h = await startHarness({
    IMMICH_PUBLIC_URL: 'https://photos.example.com/',
    NOTIFY_URLS: [
      `discord+http://${r}/discord`,
      `slack+http://${r}/slack`,
      `ntfy+http://${NTFY_TOKEN}@${r}/ntfy/immich-alerts`,
      `gotify+http://${GOTIFY_TOKEN}@${r}/gotify`,
      `http://${r}/hook?source=iat`,
    ].join(','),
    WEBHOOK_SECRET: SECRET,
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    ALERT_EMAIL_TO: 'admin@example.com, ops@example.com',
    ALERT_EMAIL_FROM: 'Immich alerts <alerts@example.com>',
  });
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
  await smtp?.close();
});

describe('notifiers, each in its platform format', () => {
  it('sends a test message to every notifier, and records each in history', async () => {
    const res = await h.api<AlertTestResponse>('/api/alerts/test', { method: 'POST', json: {} });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => [r.notifier, r.result, r.error])).toEqual([
      ['discord', 'sent', null],
      ['slack', 'sent', null],
      ['ntfy', 'sent', null],
      ['gotify', 'sent', null],
      ['webhook', 'sent', null],
      ['email', 'sent', null],
    ]);
    const history = await h.api<HistoryResponse>('/api/history?event=alert_sent');
    expect(
      history.body.items.map((i) => [i.actor, i.detail?.['notifier'], i.detail?.['kind'], i.detail?.['result']]).sort(),
    ).toEqual(['discord', 'email', 'gotify', 'ntfy', 'slack', 'webhook'].map((n) => ['alerts', n, 'test', 'sent']));
  });

  it('Discord: an embed coloured by severity, linking to the Jobs page', () => {
    const [message] = receiver.json<{ username: string; embeds: Record<string, unknown>[] }>('/discord');
    expect(message!.username).toBe('Immich Admin Tools');
    expect(message!.embeds[0]).toMatchObject({
      title: 'Test alert from Immich Admin Tools',
      url: 'https://photos.example.com/admin/queues',
      color: 0x1e88e5,
      fields: [{ name: 'Severity', value: 'info', inline: true }],
    });
  });

  it('Slack: blocks with a header, the text and a button to the Jobs page', () => {
    const [message] = receiver.json<{ text: string; blocks: { type: string; elements?: { url?: string }[] }[] }>(
      '/slack',
    );
    expect(message!.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    expect(message!.blocks[3]!.elements![0]!.url).toBe('https://photos.example.com/admin/queues');
    expect(message!.text).toContain('Test alert');
  });

  it('ntfy: JSON publish to the server with topic, title, priority, tags and the token', () => {
    const [request] = receiver.at('/ntfy');
    expect(request!.headers.authorization).toBe(`Bearer ${NTFY_TOKEN}`);
    expect(JSON.parse(request!.body)).toMatchObject({
      topic: 'immich-alerts',
      title: 'Test alert from Immich Admin Tools',
      priority: 3,
      tags: ['information_source', 'test'],
      click: 'https://photos.example.com/admin/queues',
    });
  });

  it('Gotify: a message with priority, sent with the app token', () => {
    const [request] = receiver.at('/gotify/message');
    expect(request!.headers['x-gotify-key']).toBe(GOTIFY_TOKEN);
    expect(JSON.parse(request!.body)).toMatchObject({ title: 'Test alert from Immich Admin Tools', priority: 3 });
  });

  it('webhook: the alert as JSON, signed so the secret verifies it and a replay can be told', () => {
    const [request] = receiver.at('/hook');
    const { body, headers } = request!;
    expect(JSON.parse(body)).toMatchObject({
      source: 'immich-admin-tools',
      kind: 'test',
      severity: 'info',
      resolved: false,
    });
    expect(headers['x-signature-256']).toBe(hmac(body));
    const timestamp = String(headers['x-webhook-timestamp']);
    expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(300);
    expect(headers['x-webhook-signature-256']).toBe(hmac(`${timestamp}.${body}`));
    // The same body under another timestamp (a replay re-dated) does not verify.
    expect(headers['x-webhook-signature-256']).not.toBe(hmac(`${Number(timestamp) - 600}.${body}`));
  });

  it('email: one message to every recipient, through SMTP', () => {
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail!.from).toBe('alerts@example.com');
    expect(mail!.to).toEqual(['admin@example.com', 'ops@example.com']);
    expect(mail!.raw).toContain('Subject: [Immich] Test alert from Immich Admin Tools');
    expect(mail!.raw).toContain('Jobs page: https://photos.example.com/admin/queues');
  });

  it('shows the notifiers in status with their secrets masked, and in settings write-only', async () => {
    const status = (await h.api<StatusResponse>('/api/status')).body;
    expect(status.notifiers?.map((n) => [n.id, n.failing, n.lastError, n.lastSentAt !== null])).toEqual(
      ['discord', 'slack', 'ntfy', 'gotify', 'webhook', 'email'].map((id) => [id, false, null, true]),
    );
    const shown =
      JSON.stringify(status.notifiers) + JSON.stringify((await h.api<SettingsResponse>('/api/settings')).body);
    for (const secret of [NTFY_TOKEN, GOTIFY_TOKEN, SECRET]) expect(shown).not.toContain(secret);
    const settings = (await h.api<SettingsResponse>('/api/settings')).body;
    expect(settings['notifiers']!['urls']).toMatchObject({ secret: true, source: 'env', env: 'NOTIFY_URLS' });
    expect(String(settings['notifiers']!['urls']!.value)).toMatch(/^••••/);
  });

  it('tests one notifier by id, and refuses an unknown one', async () => {
    const one = await h.api<AlertTestResponse>('/api/alerts/test', { method: 'POST', json: { notifier: 'gotify' } });
    expect(one.body.results.map((r) => r.notifier)).toEqual(['gotify']);
    expect(receiver.at('/gotify/message')).toHaveLength(2);
    const unknown = await h.api('/api/alerts/test', { method: 'POST', json: { notifier: 'pager' } });
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown.body)).toBe('NOT_FOUND');
  });

  it('takes notifiers through PUT /api/settings: a bad URL is refused, a good one replaces the list', async () => {
    const bad = await h.api('/api/settings', { method: 'PUT', json: { notifiers: { urls: 'ftp://example.com/x' } } });
    expect(bad.status).toBe(400);
    const put = await h.api('/api/settings', {
      method: 'PUT',
      json: { notifiers: { urls: `slack+http://${receiver.url}/slack-2?severity=critical`, smtpUrl: '', emailTo: '' } },
    });
    expect(put.status).toBe(200);
    const status = (await h.api<StatusResponse>('/api/status')).body;
    expect(status.notifiers?.map((n) => [n.id, n.kind, n.minSeverity])).toEqual([['slack', 'slack', 'critical']]);
    await h.api('/api/alerts/test', { method: 'POST', json: {} });
    expect(receiver.at('/slack-2')).toHaveLength(1);
  });
});

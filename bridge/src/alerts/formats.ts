import { createHmac } from 'node:crypto';
import type { Alert } from './alert.ts';
import type { NotifierSpec } from './notifier-url.ts';

/** One HTTP request to a notifier. */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const NAME = 'Immich Admin Tools';
/** Lines beyond this are summed up as "… and N more" (Discord and Slack cap their message sizes). */
const MAX_LINES = 20;

const DISCORD_COLOURS = { info: 0x1e88e5, warning: 0xf9a825, critical: 0xd32f2f, resolved: 0x43a047 };
const NTFY_PRIORITY = { info: 3, warning: 4, critical: 5 };
const NTFY_TAGS = { info: 'information_source', warning: 'warning', critical: 'rotating_light' };
const GOTIFY_PRIORITY = { info: 3, warning: 6, critical: 9 };

const lines = (alert: Alert) =>
  alert.lines.length > MAX_LINES
    ? [...alert.lines.slice(0, MAX_LINES), `… and ${alert.lines.length - MAX_LINES} more`]
    : alert.lines;

const heading = (alert: Alert) => (alert.resolved ? `Resolved: ${alert.title}` : alert.title);

/** Plain text of an alert: ntfy, Gotify and email bodies. */
export function plainText(alert: Alert): string {
  return [alert.text, ...lines(alert), ...(alert.link ? ['', `Jobs page: ${alert.link}`] : [])].join('\n');
}

const json = (url: string, body: unknown, headers: Record<string, string> = {}): OutgoingRequest => ({
  url,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

function discord(spec: NotifierSpec, alert: Alert): OutgoingRequest {
  const description = [alert.text, ...lines(alert).map((l) => `• ${l}`)].join('\n').slice(0, 4000);
  return json(spec.url, {
    username: NAME,
    embeds: [
      {
        title: heading(alert).slice(0, 256),
        description,
        ...(alert.link ? { url: alert.link } : {}),
        color: alert.resolved ? DISCORD_COLOURS.resolved : DISCORD_COLOURS[alert.severity],
        fields: [
          { name: 'Severity', value: alert.resolved ? 'resolved' : alert.severity, inline: true },
          ...(alert.queue ? [{ name: 'Queue', value: alert.queue, inline: true }] : []),
        ],
        timestamp: new Date(alert.at).toISOString(),
        footer: { text: NAME },
      },
    ],
  });
}

/** Slack's mrkdwn reads `<…>` as links and `&` as entities: file names must not. */
const slackEscape = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function slack(spec: NotifierSpec, alert: Alert): OutgoingRequest {
  const list = lines(alert).map(slackEscape);
  return json(spec.url, {
    // Shown in notifications and by clients without blocks.
    text: `${heading(alert)}: ${alert.text}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: heading(alert).slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: slackEscape(alert.text) } },
      ...(list.length
        ? [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: list
                  .map((l) => `• ${l}`)
                  .join('\n')
                  .slice(0, 2900),
              },
            },
          ]
        : []),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `*${alert.resolved ? 'resolved' : alert.severity}* · ${NAME}` }],
      },
      ...(alert.link
        ? [
            {
              type: 'actions',
              elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the Jobs page' }, url: alert.link }],
            },
          ]
        : []),
    ],
  });
}

/** ntfy's JSON publishing: POST to the server root with the topic in the body, so any text is safe. */
function ntfy(spec: NotifierSpec, alert: Alert): OutgoingRequest {
  const url = new URL(spec.url);
  const segments = url.pathname.split('/').filter(Boolean);
  const topic = segments.pop()!;
  url.pathname = `/${segments.join('/')}`;
  const auth: Record<string, string> = spec.token
    ? { authorization: `Bearer ${spec.token}` }
    : spec.basicAuth
      ? { authorization: `Basic ${spec.basicAuth}` }
      : {};
  return json(
    url.toString(),
    {
      topic,
      title: heading(alert),
      message: plainText(alert),
      priority: alert.resolved ? 2 : NTFY_PRIORITY[alert.severity],
      tags: [alert.resolved ? 'white_check_mark' : NTFY_TAGS[alert.severity], alert.kind],
      ...(alert.link ? { click: alert.link } : {}),
    },
    auth,
  );
}

function gotify(spec: NotifierSpec, alert: Alert): OutgoingRequest {
  return json(
    spec.url,
    {
      title: heading(alert),
      message: plainText(alert),
      priority: alert.resolved ? 1 : GOTIFY_PRIORITY[alert.severity],
      ...(alert.link ? { extras: { 'client::notification': { click: { url: alert.link } } } } : {}),
    },
    { 'x-gotify-key': spec.token! },
  );
}

/** The generic webhook's body: the alert itself, with ISO time. */
export function webhookPayload(alert: Alert) {
  return {
    source: 'immich-admin-tools',
    kind: alert.kind,
    severity: alert.severity,
    resolved: alert.resolved,
    title: alert.title,
    text: alert.text,
    queue: alert.queue,
    jobs: alert.jobs,
    lines: alert.lines,
    link: alert.link,
    at: new Date(alert.at).toISOString(),
  };
}

const hmac = (secret: string, data: string) => `sha256=${createHmac('sha256', secret).update(data).digest('hex')}`;

/**
 * Signature headers of a generic webhook body: `X-Signature-256` over the raw body (GitHub's scheme), and
 * `X-Webhook-Signature-256` over `<timestamp>.<body>` with the timestamp in `X-Webhook-Timestamp` (Unix
 * seconds), so a receiver can refuse a replayed or delayed delivery.
 */
function signatureHeaders(secret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'x-signature-256': hmac(secret, body),
    'x-webhook-timestamp': timestamp,
    'x-webhook-signature-256': hmac(secret, `${timestamp}.${body}`),
  };
}

function webhook(spec: NotifierSpec, alert: Alert, secret: string | null, nowMs: number): OutgoingRequest {
  const body = JSON.stringify(webhookPayload(alert));
  return {
    url: spec.url,
    headers: { 'content-type': 'application/json', ...(secret ? signatureHeaders(secret, body, nowMs) : {}) },
    body,
  };
}

/** The request an HTTP notifier sends for an alert. */
export function formatRequest(
  spec: NotifierSpec,
  alert: Alert,
  webhookSecret: string | null,
  nowMs: number,
): OutgoingRequest {
  switch (spec.kind) {
    case 'discord':
      return discord(spec, alert);
    case 'slack':
      return slack(spec, alert);
    case 'ntfy':
      return ntfy(spec, alert);
    case 'gotify':
      return gotify(spec, alert);
    case 'webhook':
      return webhook(spec, alert, webhookSecret, nowMs);
    case 'email':
      throw new Error('email is sent over SMTP, not HTTP');
  }
}

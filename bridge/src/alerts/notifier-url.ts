import { ALERT_SEVERITIES, type AlertSeverity } from '@immich-admin-tools/shared';

export type NotifierKind = 'discord' | 'slack' | 'ntfy' | 'gotify' | 'webhook' | 'email';

/** One configured destination, parsed from its URL (or from SMTP_URL + ALERT_EMAIL_TO). */
export interface NotifierSpec {
  /** `<kind>` or `<kind>-<n>` when a kind repeats, in configuration order; what POST /api/alerts/test takes. */
  id: string;
  kind: NotifierKind;
  /** Where the request goes (http/https; smtp/smtps for email). */
  url: string;
  minSeverity: AlertSeverity;
  /** ntfy access token, Gotify app token. */
  token?: string;
  /** ntfy basic auth when the URL carries user:password. */
  basicAuth?: string;
  /** Email recipients. */
  to?: string[];
}

/**
 * Accepted syntax, comma separated in NOTIFY_URLS; every form takes `?severity=info|warning|critical`:
 *   discord://<webhook id>/<webhook token>        slack://<T…>/<B…>/<secret>
 *   ntfy://[<token>@]<host>[:port]/<topic>        gotify://<app token>@<host>[:port][/path]
 *   https://… or webhook+https://…                (generic JSON webhook, signed with WEBHOOK_SECRET)
 * and `<kind>+http(s)://<full URL>` to post a kind's format to any URL (a proxy, a self-hosted server).
 */
export function parseNotifierUrl(raw: string): Omit<NotifierSpec, 'id'> {
  const input = raw.trim();
  const scheme = /^([a-z][a-z0-9+]*):\/\//i.exec(input)?.[1]?.toLowerCase();
  if (!scheme) throw new Error(`"${maskUrl(input)}" is not a URL (kind://…)`);
  const [kindName, transport] = scheme.includes('+') ? scheme.split('+', 2) : [scheme, null];
  const kind = (kindName === 'http' || kindName === 'https' ? 'webhook' : kindName) as NotifierKind;
  if (!['discord', 'slack', 'ntfy', 'gotify', 'webhook'].includes(kind)) {
    throw new Error(`"${scheme}://" is not a notifier (discord, slack, ntfy, gotify, webhook, https)`);
  }
  const protocol = transport ?? (kindName === 'http' ? 'http' : 'https');
  if (protocol !== 'http' && protocol !== 'https') throw new Error(`"${scheme}://" must end in +http or +https`);
  const url = new URL(`${protocol}://${input.slice(scheme.length + 3)}`);
  const minSeverity = severityParam(url);
  const shorthand = transport === null && kindName !== 'http' && kindName !== 'https';
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const path = url.pathname.replace(/^\/+|\/+$/g, '');
  // The shorthands' ids are read raw: a URL parser would take discord://123/… for an IPv4 host.
  const parts = input
    .slice(scheme.length + 3)
    .split('?')[0]!
    .replace(/\/+$/, '');

  switch (kind) {
    case 'discord':
      if (shorthand) {
        if (!/^\d+\/[\w-]+$/.test(parts)) throw new Error('discord:// needs <webhook id>/<webhook token>');
        return { kind, minSeverity, url: `https://discord.com/api/webhooks/${parts}` };
      }
      return { kind, minSeverity, url: url.toString() };
    case 'slack':
      if (shorthand) {
        if (!/^\w+\/\w+\/\w+$/.test(parts)) throw new Error('slack:// needs <T…>/<B…>/<secret>');
        return { kind, minSeverity, url: `https://hooks.slack.com/services/${parts}` };
      }
      return { kind, minSeverity, url: url.toString() };
    case 'ntfy': {
      if (!path) throw new Error('ntfy:// needs a topic: ntfy://[token@]host/topic');
      const auth = password
        ? { basicAuth: Buffer.from(`${user}:${password}`).toString('base64') }
        : user
          ? { token: user }
          : {};
      return { kind, minSeverity, url: url.toString(), ...auth };
    }
    case 'gotify':
      if (!user) throw new Error('gotify:// needs the app token: gotify://<token>@host');
      url.pathname = `${url.pathname.replace(/\/+$/, '')}/message`;
      return { kind, minSeverity, url: url.toString(), token: user };
    default:
      return { kind, minSeverity, url: url.toString() };
  }
}

/** Takes our `?severity=` off the URL (the receiver never sees it). */
function severityParam(url: URL): AlertSeverity {
  const severity = url.searchParams.get('severity') ?? 'info';
  if (!(ALERT_SEVERITIES as readonly string[]).includes(severity)) {
    throw new Error(`severity=${severity} must be info, warning or critical`);
  }
  url.searchParams.delete('severity');
  return severity as AlertSeverity;
}

/** Parses a list, numbering ids per kind when a kind repeats. Throws on the first bad entry. */
export function parseNotifierUrls(urls: string[], email?: { smtpUrl: string | null; to: string[] }): NotifierSpec[] {
  const parsed: Omit<NotifierSpec, 'id'>[] = urls.filter((u) => u.trim()).map(parseNotifierUrl);
  if (email?.smtpUrl && email.to.length) {
    if (!/^smtps?:\/\//.test(email.smtpUrl)) throw new Error('SMTP_URL must be smtp:// or smtps://');
    const url = new URL(email.smtpUrl);
    const minSeverity = severityParam(url);
    parsed.push({ kind: 'email', minSeverity, url: url.toString(), to: email.to });
  }
  const total = new Map<string, number>();
  for (const p of parsed) total.set(p.kind, (total.get(p.kind) ?? 0) + 1);
  const seen = new Map<string, number>();
  return parsed.map((p) => {
    const n = (seen.get(p.kind) ?? 0) + 1;
    seen.set(p.kind, n);
    return { ...p, id: total.get(p.kind)! > 1 ? `${p.kind}-${n}` : p.kind };
  });
}

/** A URL fit for status and logs: scheme and host, then only the last 4 characters of the rest. */
export function maskUrl(raw: string): string {
  const match = /^([a-z][a-z0-9+]*:\/\/)(?:[^@/]*@)?([^/?#]*)(.*)$/i.exec(raw.trim());
  if (!match) return '••••';
  const rest = match[3]!;
  return `${match[1]}${match[2]}${rest.length > 1 ? `/••••${rest.slice(-4)}` : ''}`;
}

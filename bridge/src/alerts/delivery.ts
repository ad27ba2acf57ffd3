import { setTimeout as sleep } from 'node:timers/promises';
import type { NotifierStatus } from '@immich-admin-tools/shared';
import type { Transporter } from 'nodemailer';
import type { Logger } from '../logger.ts';
import { severityAtLeast, type Alert } from './alert.ts';
import { formatRequest, plainText } from './formats.ts';
import { maskUrl, type NotifierSpec } from './notifier-url.ts';

export interface DeliveryOptions {
  /** Tries per alert and notifier, the first included. */
  maxAttempts: number;
  /** First retry delay; doubled each time, capped at a minute. */
  baseDelayMs: number;
  /** Per request (HTTP) or per SMTP stage. */
  timeoutMs: number;
  webhookSecret: () => string | null;
  emailFrom: () => string | null;
}

export interface DeliveryResult {
  notifier: NotifierSpec;
  alert: Alert;
  result: 'sent' | 'given_up';
  attempts: number;
  error: string | null;
}

/** Backlog per notifier; beyond it the oldest alert is given up, so a dead receiver cannot grow memory. */
const MAX_PENDING = 100;
const MAX_BACKOFF_MS = 60_000;
/** A Retry-After longer than this is clamped: an alert an hour late is no alert. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

interface Channel {
  spec: NotifierSpec;
  pending: Alert[];
  running: boolean;
  lastSentAt: number | null;
  lastError: string | null;
  failing: boolean;
  transport: Transporter | null;
}

/** Retry-After is seconds or an HTTP date. */
function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : null;
}

/**
 * Sends alerts to the notifiers, each through its own queue worked in the background: the caller (a snapshot
 * tick, a history listener) only enqueues. Failures are retried with exponential backoff or the receiver's
 * Retry-After; each alert ends as sent or given up, told to `onResult`.
 */
export class Delivery {
  private channels = new Map<string, Channel>();
  private readonly abort = new AbortController();
  private changes = 0;

  constructor(
    private readonly options: DeliveryOptions,
    private readonly onResult: (result: DeliveryResult) => void,
    private readonly logger: Logger,
  ) {}

  /** Replaces the notifier list; a notifier whose spec is unchanged keeps its backlog and status. */
  setNotifiers(specs: NotifierSpec[]): void {
    const next = new Map<string, Channel>();
    for (const spec of specs) {
      const old = this.channels.get(spec.id);
      if (old && JSON.stringify(old.spec) === JSON.stringify(spec)) next.set(spec.id, old);
      else
        next.set(spec.id, {
          spec,
          pending: [],
          running: false,
          lastSentAt: null,
          lastError: null,
          failing: false,
          transport: null,
        });
    }
    for (const [id, channel] of this.channels) if (next.get(id) !== channel) this.retire(channel);
    this.channels = next;
    this.changes++;
  }

  get notifiers(): NotifierSpec[] {
    return [...this.channels.values()].map((c) => c.spec);
  }

  /** Queues the alert for every notifier whose minimum severity it reaches; returns at once. */
  enqueue(alert: Alert): void {
    for (const channel of this.channels.values()) {
      if (!severityAtLeast(alert.severity, channel.spec.minSeverity)) continue;
      if (channel.pending.length >= MAX_PENDING) {
        const dropped = channel.pending.shift()!;
        this.onResult({
          notifier: channel.spec,
          alert: dropped,
          result: 'given_up',
          attempts: 0,
          error: 'backlog full',
        });
      }
      channel.pending.push(alert);
      if (!channel.running) void this.work(channel);
    }
  }

  /** One attempt, awaited, whatever the severity: for POST /api/alerts/test. */
  async sendNow(id: string, alert: Alert): Promise<{ ok: boolean; error: string | null }> {
    const channel = this.channels.get(id);
    if (!channel) return { ok: false, error: 'no such notifier' };
    try {
      await this.send(channel, alert);
      this.succeeded(channel);
      this.onResult({ notifier: channel.spec, alert, result: 'sent', attempts: 1, error: null });
      return { ok: true, error: null };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      channel.lastError = message;
      channel.failing = true;
      this.changes++;
      this.onResult({ notifier: channel.spec, alert, result: 'given_up', attempts: 1, error: message });
      return { ok: false, error: message };
    }
  }

  /** Goes up whenever `status()` would answer differently (a cache key). */
  get revision(): number {
    return this.changes;
  }

  status(): NotifierStatus[] {
    return [...this.channels.values()].map((c) => ({
      id: c.spec.id,
      kind: c.spec.kind,
      target: c.spec.kind === 'email' ? `${maskUrl(c.spec.url)} → ${c.spec.to!.join(', ')}` : maskUrl(c.spec.url),
      minSeverity: c.spec.minSeverity,
      lastSentAt: c.lastSentAt === null ? null : new Date(c.lastSentAt).toISOString(),
      lastError: c.lastError,
      failing: c.failing,
    }));
  }

  /** Stops retry waits; alerts still pending are dropped. */
  stop(): void {
    this.abort.abort();
    for (const channel of this.channels.values()) this.retire(channel);
  }

  private retire(channel: Channel): void {
    channel.pending.length = 0;
    channel.transport?.close();
    channel.transport = null;
  }

  private async work(channel: Channel): Promise<void> {
    channel.running = true;
    try {
      while (channel.pending.length && !this.abort.signal.aborted) {
        const alert = channel.pending.shift()!;
        await this.deliver(channel, alert);
      }
    } finally {
      channel.running = false;
    }
  }

  private async deliver(channel: Channel, alert: Alert): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.send(channel, alert);
        this.succeeded(channel);
        this.onResult({ notifier: channel.spec, alert, result: 'sent', attempts: attempt, error: null });
        return;
      } catch (error) {
        const failure = error instanceof DeliveryError ? error : new DeliveryError(String(error), true);
        channel.lastError = failure.message;
        this.changes++;
        if (!failure.retryable || attempt >= this.options.maxAttempts || this.abort.signal.aborted) {
          channel.failing = true;
          this.logger.warn(
            { notifier: channel.spec.id, kind: alert.kind, err: failure.message, attempts: attempt },
            'alert given up',
          );
          this.onResult({
            notifier: channel.spec,
            alert,
            result: 'given_up',
            attempts: attempt,
            error: failure.message,
          });
          return;
        }
        const backoff = Math.min(MAX_BACKOFF_MS, this.options.baseDelayMs * 2 ** (attempt - 1));
        try {
          await sleep(failure.retryAfterMs ?? backoff, undefined, { signal: this.abort.signal });
        } catch {
          return; // stopping
        }
      }
    }
  }

  private succeeded(channel: Channel): void {
    channel.lastSentAt = Date.now();
    channel.failing = false;
    this.changes++;
  }

  private async send(channel: Channel, alert: Alert): Promise<void> {
    if (channel.spec.kind === 'email') return this.sendEmail(channel, alert);
    const request = formatRequest(channel.spec, alert, this.options.webhookSecret(), Date.now());
    let res: Response;
    try {
      res = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'error',
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.abort.signal]),
      });
    } catch (error) {
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, ...) is in its cause.
      const code = (error as { cause?: { code?: string } }).cause?.code;
      const cause =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer in ${this.options.timeoutMs} ms`
          : code
            ? `cannot connect (${code})`
            : String(error);
      throw new DeliveryError(cause, true);
    }
    // The body is never needed; reading it frees the connection.
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    throw new DeliveryError(`HTTP ${res.status}`, retryable, retryAfterMs(res.headers.get('retry-after'), Date.now()));
  }

  private async sendEmail(channel: Channel, alert: Alert): Promise<void> {
    const t = this.options.timeoutMs;
    // Loaded on the first email: a bridge without SMTP never pays its memory.
    const { createTransport } = await import('nodemailer');
    channel.transport ??= createTransport({
      url: channel.spec.url,
      connectionTimeout: t,
      greetingTimeout: t,
      socketTimeout: t,
    });
    const host = new URL(channel.spec.url).hostname;
    try {
      await channel.transport.sendMail({
        from: this.options.emailFrom() ?? `Immich Admin Tools <immich-admin-tools@${host}>`,
        to: channel.spec.to,
        subject: `[Immich] ${alert.resolved ? 'Resolved: ' : ''}${alert.title}`,
        text: plainText(alert),
      });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx from the server (bad recipient, refused sender) will not get better by retrying.
      throw new DeliveryError(error instanceof Error ? error.message : String(error), !(code && code >= 500));
    }
  }
}

import type { AlertSentDetail, AlertTestResponse, NotifierStatus } from '@immich-admin-tools/shared';
import type { AlertEnv } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { FinishedJob } from '../snapshot/rate-tracker.ts';
import type { HistoryService } from '../store/history.service.ts';
import type { SettingsService } from '../store/settings.service.ts';
import type { Alert } from './alert.ts';
import { AlertRules, type RuleSettings } from './alert-rules.ts';
import { registerAlertSettings, specsOf, type AlertSettings, type NotifierSettings } from './alert-settings.ts';
import { Delivery, type DeliveryResult } from './delivery.ts';

const TIMEOUT_MS = 10_000;

/**
 * Alerts: history rows and stream failures go through the rules, the alerts they make go to the notifiers
 * in the background, and every alert sent or given up becomes an `alert_sent` history row.
 */
export class AlertsService {
  private readonly rules: AlertRules;
  private readonly delivery: Delivery;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly settings: SettingsService,
    private readonly history: HistoryService,
    private readonly env: AlertEnv,
    logger: Logger,
  ) {
    registerAlertSettings(settings, env);
    this.delivery = new Delivery(
      {
        maxAttempts: env.maxAttempts,
        baseDelayMs: env.retryBaseMs,
        timeoutMs: TIMEOUT_MS,
        webhookSecret: () => this.notifierSettings().webhookSecret || null,
        emailFrom: () => this.notifierSettings().emailFrom || null,
      },
      (result) => this.recordResult(result),
      logger,
    );
    this.delivery.setNotifiers(specsOf(this.notifierSettings()));
    this.rules = new AlertRules(this.ruleSettings(), (alert) => this.delivery.enqueue(alert));
    this.unsubscribe.push(
      history.onRow((item) => this.rules.row(item)),
      settings.onChange('notifiers', () => this.delivery.setNotifiers(specsOf(this.notifierSettings()))),
      settings.onChange('alerts', () => this.rules.update(this.ruleSettings())),
    );
  }

  /** A job that finished, from the snapshot's events stream. */
  finished(job: FinishedJob): void {
    if (job.event === 'failed') this.rules.failed(job.queue, job.at);
  }

  /** Once per snapshot tick. */
  tick(): void {
    this.rules.check();
  }

  get status(): NotifierStatus[] {
    return this.delivery.status();
  }

  /** Changes whenever `status` does. */
  get statusRevision(): number {
    return this.delivery.revision;
  }

  /** Sends a test message to one notifier or all, one attempt each, and says how each went. */
  async test(notifier?: string): Promise<AlertTestResponse> {
    const all = this.delivery.notifiers;
    if (all.length === 0)
      throw new AppError('NOT_CONFIGURED', 400, 'No notifier is configured (NOTIFY_URLS, SMTP_URL)');
    const targets = notifier === undefined ? all : all.filter((n) => n.id === notifier);
    if (targets.length === 0) {
      throw new AppError('NOT_FOUND', 404, `No notifier "${notifier}" (known: ${all.map((n) => n.id).join(', ')})`);
    }
    const alert: Alert = {
      kind: 'test',
      severity: 'info',
      resolved: false,
      title: 'Test alert from Immich Admin Tools',
      text: 'Alerts reach this channel. Nothing is wrong.',
      lines: [],
      queue: null,
      jobs: [],
      link: this.link(),
      at: Date.now(),
    };
    const results = await Promise.all(
      targets.map(async (spec) => {
        const { ok, error } = await this.delivery.sendNow(spec.id, alert);
        return { notifier: spec.id, kind: spec.kind, result: ok ? ('sent' as const) : ('failed' as const), error };
      }),
    );
    return { results };
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.delivery.stop();
  }

  private notifierSettings(): NotifierSettings {
    return this.settings.get<NotifierSettings>('notifiers');
  }

  private ruleSettings(): RuleSettings {
    const { cooldownMinutes, failureSpike } = this.settings.get<AlertSettings>('alerts');
    return { cooldownMinutes, failureSpike, link: this.link() };
  }

  private link(): string | null {
    return this.env.immichUrl ? `${this.env.immichUrl}/admin/queues` : null;
  }

  private recordResult({ notifier, alert, result, attempts, error }: DeliveryResult): void {
    const detail: AlertSentDetail = {
      notifier: notifier.id,
      kind: alert.kind,
      result,
      resolved: alert.resolved,
      severity: alert.severity,
      attempts,
      ...(error ? { error } : {}),
    };
    this.history.record({ event: 'alert_sent', actor: 'alerts', queue: alert.queue, detail: { ...detail } });
  }
}

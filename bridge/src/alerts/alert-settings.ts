import { z } from 'zod';
import type { AlertEnv } from '../config.ts';
import type { SettingsService } from '../store/settings.service.ts';
import { parseNotifierUrls, type NotifierSpec } from './notifier-url.ts';

export const DEFAULT_COOLDOWN_MINUTES = 30;
export const DEFAULT_FAILURE_SPIKE = 20;

const emails = (value: string) =>
  value
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);

const notifiersSchema = z
  .object({
    urls: z.string(),
    webhookSecret: z.string().refine((v) => v === '' || v.length >= 16, 'at least 16 characters'),
    smtpUrl: z.string().refine((v) => v === '' || /^smtps?:\/\/\S+$/.test(v), 'smtp://… or smtps://…'),
    emailTo: z.string(),
    emailFrom: z.string(),
  })
  .superRefine((value, ctx) => {
    try {
      specsOf(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['urls'], message: (error as Error).message });
    }
    if (Boolean(value.smtpUrl) !== Boolean(value.emailTo)) {
      ctx.addIssue({
        code: 'custom',
        path: [value.smtpUrl ? 'emailTo' : 'smtpUrl'],
        message: 'email needs both smtpUrl and emailTo',
      });
    }
  });

const alertsSchema = z.object({
  cooldownMinutes: z.number().int('whole minutes').min(0, '0 turns the cooldown off').max(1440, 'at most 24 h'),
  failureSpike: z.number().int('a whole count').min(1, 'at least 1'),
});

export type NotifierSettings = z.infer<typeof notifiersSchema>;
export type AlertSettings = z.infer<typeof alertsSchema>;

/** The notifiers a `notifiers` section describes. */
export function specsOf(value: NotifierSettings): NotifierSpec[] {
  return parseNotifierUrls(value.urls.split(','), { smtpUrl: value.smtpUrl || null, to: emails(value.emailTo) });
}

/** Registers the `notifiers` section (URLs and secrets, write-only) and the `alerts` section (rules). */
export function registerAlertSettings(settings: SettingsService, env: AlertEnv): void {
  const pick = <K extends string, T>(key: K, value: T | null) =>
    value === null ? {} : ({ [key]: value } as Record<K, T>);
  settings.register('notifiers', {
    schema: notifiersSchema,
    defaults: { urls: '', webhookSecret: '', smtpUrl: '', emailTo: '', emailFrom: '' },
    env: {
      ...pick('urls', env.notifyUrls),
      ...pick('webhookSecret', env.webhookSecret),
      ...pick('smtpUrl', env.smtpUrl),
      ...pick('emailTo', env.emailTo),
      ...pick('emailFrom', env.emailFrom),
    },
    fields: {
      urls: { env: 'NOTIFY_URLS', secret: true },
      webhookSecret: { env: 'WEBHOOK_SECRET', secret: true },
      smtpUrl: { env: 'SMTP_URL', secret: true },
      emailTo: { env: 'ALERT_EMAIL_TO' },
      emailFrom: { env: 'ALERT_EMAIL_FROM' },
    },
  });
  settings.register('alerts', {
    schema: alertsSchema,
    defaults: { cooldownMinutes: DEFAULT_COOLDOWN_MINUTES, failureSpike: DEFAULT_FAILURE_SPIKE },
    env: { ...pick('cooldownMinutes', env.cooldownMinutes), ...pick('failureSpike', env.failureSpike) },
    fields: { cooldownMinutes: { env: 'ALERT_COOLDOWN_MINUTES' }, failureSpike: { env: 'FAILURE_SPIKE' } },
  });
}

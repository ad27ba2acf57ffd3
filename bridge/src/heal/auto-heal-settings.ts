import type { AutoHealAction } from '@immich-admin-tools/shared';
import { z } from 'zod';
import type { AutoHealEnv } from '../config.ts';
import type { SettingsService } from '../store/settings.service.ts';

export const AUTO_HEAL_ACTIONS = ['alert_only', 'clear_and_log', 'clear_and_restart'] as const;

const schema = z.object({
  enabled: z.boolean(),
  action: z.enum(AUTO_HEAL_ACTIONS, 'must be alert_only, clear_and_log or clear_and_restart'),
  intervalSeconds: z.number().int('whole seconds').min(1, 'at least 1 s').max(86_400, 'at most 24 h'),
  /** One threshold for every queue, for what auto-heal acts on; null: the classifier's (per queue). */
  thresholdMinutes: z
    .number()
    .int('whole minutes')
    .min(1, 'at least 1 minute')
    .max(10_080, 'at most 7 days')
    .nullable(),
  dryRun: z.boolean(),
  maxActionsPerHour: z.number().int().min(1, 'at least 1').max(10_000, 'at most 10000'),
  restartCooldownMinutes: z.number().int('whole minutes').min(0).max(1440, 'at most 24 h'),
});

export type AutoHealSettings = z.infer<typeof schema> & { action: AutoHealAction };

export const AUTO_HEAL_DEFAULTS: AutoHealSettings = {
  enabled: false,
  action: 'clear_and_log',
  intervalSeconds: 60,
  thresholdMinutes: null,
  dryRun: false,
  maxActionsPerHour: 30,
  restartCooldownMinutes: 30,
};

/** The `autoHeal` settings section (also RESTART_COOLDOWN_MINUTES, which manual restarts obey too). */
export function registerAutoHealSettings(settings: SettingsService, env: AutoHealEnv): () => AutoHealSettings {
  const given: Partial<AutoHealSettings> = {};
  if (env.enabled !== null) given.enabled = env.enabled;
  if (env.action !== null) given.action = env.action;
  if (env.intervalSeconds !== null) given.intervalSeconds = env.intervalSeconds;
  if (env.thresholdMinutes !== null) given.thresholdMinutes = env.thresholdMinutes;
  if (env.dryRun !== null) given.dryRun = env.dryRun;
  if (env.maxActionsPerHour !== null) given.maxActionsPerHour = env.maxActionsPerHour;
  if (env.restartCooldownMinutes !== null) given.restartCooldownMinutes = env.restartCooldownMinutes;
  settings.register('autoHeal', {
    schema,
    defaults: AUTO_HEAL_DEFAULTS,
    env: given,
    fields: {
      enabled: { env: 'AUTO_HEAL_ENABLED' },
      action: { env: 'AUTO_HEAL_ACTION', options: AUTO_HEAL_ACTIONS },
      intervalSeconds: { env: 'AUTO_HEAL_INTERVAL_SECONDS' },
      thresholdMinutes: { env: 'AUTO_HEAL_THRESHOLD_MINUTES' },
      dryRun: { env: 'AUTO_HEAL_DRY_RUN' },
      maxActionsPerHour: { env: 'AUTO_HEAL_MAX_ACTIONS_PER_HOUR' },
      restartCooldownMinutes: { env: 'RESTART_COOLDOWN_MINUTES' },
    },
  });
  return () => settings.get<AutoHealSettings>('autoHeal');
}

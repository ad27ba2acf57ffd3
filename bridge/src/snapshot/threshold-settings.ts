import { queueInfo } from '@immich-admin-tools/shared';
import { z } from 'zod';
import { QUEUE_NAME_PATTERN } from '../redis/keys.ts';
import type { Config } from '../config.ts';
import type { SettingsService } from '../store/settings.service.ts';
import type { ThresholdPolicy } from './snapshot.service.ts';

export const DEFAULT_ADAPTIVE_FACTOR = 4;
export const DEFAULT_STALL_MINUTES = 5;

const schema = z.object({
  stuckThresholds: z.record(
    z.string().regex(QUEUE_NAME_PATTERN, 'not a queue name'),
    z
      .number()
      .int('whole seconds')
      .min(1, 'at least 1 s')
      .max(7 * 24 * 3600, 'at most 7 days'),
  ),
  adaptiveFactor: z.number().min(0, '0 turns it off').max(100, 'at most 100'),
  stallMinutes: z.number().int('whole minutes').min(1, 'at least 1 minute').max(1440, 'at most 24 h'),
});

type ThresholdSettings = z.infer<typeof schema>;

/** The `thresholds` settings section, and the policy the snapshot loop reads from it on every tick. */
export function thresholdSettings(settings: SettingsService, config: Config): ThresholdPolicy {
  const env: Partial<ThresholdSettings> = {};
  if (Object.keys(config.stuckThresholds).length > 0) env.stuckThresholds = { ...config.stuckThresholds };
  if (config.adaptiveThresholdFactor !== null) env.adaptiveFactor = config.adaptiveThresholdFactor;
  if (config.stallMinutes !== null) env.stallMinutes = config.stallMinutes;
  settings.register('thresholds', {
    schema,
    defaults: { stuckThresholds: {}, adaptiveFactor: DEFAULT_ADAPTIVE_FACTOR, stallMinutes: DEFAULT_STALL_MINUTES },
    env,
    fields: {
      stuckThresholds: { env: 'STUCK_THRESHOLDS' },
      adaptiveFactor: { env: 'ADAPTIVE_THRESHOLD_FACTOR' },
      stallMinutes: { env: 'STALL_MINUTES' },
    },
  });
  const current = () => settings.get<ThresholdSettings>('thresholds');
  return {
    configured: (queue) => current().stuckThresholds[queue] ?? queueInfo(queue).thresholdSeconds,
    adaptiveFactor: () => current().adaptiveFactor,
    stallMs: () => current().stallMinutes * 60_000,
  };
}

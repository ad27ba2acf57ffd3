import { z } from 'zod';
import type { AutoHealEnv } from '../config.ts';
import type { SettingsService } from '../store/settings.service.ts';

const schema = z.object({
  /** Stuck-or-failed events after which an asset is quarantined by itself; 0 = never. */
  after: z.number().int('a whole number').min(0, '0 turns it off').max(1000, 'at most 1000'),
});

export type QuarantineSettings = z.infer<typeof schema>;

/** The `quarantine` settings section. */
export function registerQuarantineSettings(settings: SettingsService, env: AutoHealEnv): () => QuarantineSettings {
  settings.register('quarantine', {
    schema,
    defaults: { after: 3 },
    env: env.quarantineAfter === null ? {} : { after: env.quarantineAfter },
    fields: { after: { env: 'QUARANTINE_AFTER' } },
  });
  return () => settings.get<QuarantineSettings>('quarantine');
}

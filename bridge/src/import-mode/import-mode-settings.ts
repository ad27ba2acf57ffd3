import { DEFAULT_IMPORT_ORDER, queueInfo } from '@immich-admin-tools/shared';
import { z } from 'zod';
import { QUEUE_NAME_PATTERN } from '../redis/keys.ts';
import type { Config } from '../config.ts';
import type { SettingsService } from '../store/settings.service.ts';

/** The queues in the order they run; config.ts checks IMPORT_MODE_ORDER with it too. */
export const importOrderSchema = z
  .array(z.string().regex(QUEUE_NAME_PATTERN, 'not a queue name'))
  .min(2, 'at least two queues')
  .max(19, 'at most 19 queues')
  .refine((order) => new Set(order).size === order.length, 'a queue appears twice')
  // Immich refuses to pause backgroundTask: it could never be held back.
  .refine((order) => order.every((name) => queueInfo(name).pausable), 'Immich cannot pause backgroundTask');

const schema = z.object({ enabled: z.boolean(), order: importOrderSchema });

export type ImportModeSettings = z.infer<typeof schema>;

/** The `importMode` settings section; returns its current value, read on every pass. */
export function registerImportModeSettings(
  settings: SettingsService,
  env: Config['importMode'],
): () => ImportModeSettings {
  const fromEnv: Partial<ImportModeSettings> = {};
  if (env.enabled !== null) fromEnv.enabled = env.enabled;
  if (env.order !== null) fromEnv.order = env.order;
  settings.register('importMode', {
    schema,
    defaults: { enabled: false, order: [...DEFAULT_IMPORT_ORDER] },
    env: fromEnv,
    fields: { enabled: { env: 'IMPORT_MODE_ENABLED' }, order: { env: 'IMPORT_MODE_ORDER' } },
  });
  return () => settings.get<ImportModeSettings>('importMode');
}

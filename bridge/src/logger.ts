import { pino, type Logger } from 'pino';

export type { Logger };

/** Root logger; modules take `logger.child({ module })`. Secrets are redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'immich-admin-tools-bridge' },
    redact: {
      paths: ['token', 'apiKey', '*.token', '*.apiKey', 'headers.authorization', 'headers["x-api-key"]', 'data'],
      censor: '[redacted]',
    },
  });
}

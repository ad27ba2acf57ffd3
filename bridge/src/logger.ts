import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { DestinationStream, Logger };

export type LogFormat = 'pretty' | 'json';

/**
 * Root logger; modules take `logger.child({ module })`. Secrets are redacted wherever they appear.
 * Pretty lines on a terminal, JSON for log collectors; `format` (LOG_FORMAT) overrides the guess.
 */
export function createLogger(
  level: string,
  format: LogFormat | null = null,
  /** Where JSON lines go instead of stdout (tests read them back). */
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: { service: 'immich-admin-tools-bridge' },
    redact: {
      paths: ['token', 'apiKey', '*.token', '*.apiKey', 'headers.authorization', 'headers["x-api-key"]', 'data'],
      censor: '[redacted]',
    },
  };
  if (destination) return pino(options, destination);
  if ((format ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'json') return pino(options);
  // A stream in this thread rather than a transport worker: it survives bundling and flushes before exit.
  return pino(options, pretty({ sync: true, ignore: 'pid,hostname,service', translateTime: 'SYS:HH:MM:ss' }));
}

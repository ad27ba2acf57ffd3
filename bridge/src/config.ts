import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { QUEUE_NAME_PATTERN } from './redis/keys.ts';
import { parseNotifierUrls } from './alerts/notifier-url.ts';
import { importOrderSchema } from './import-mode/import-mode-settings.ts';

/** Configuration, read once from the environment. Only this module reads `process.env`. */
export interface Config {
  immich: { apiUrl: string | null; apiKey: string | null };
  redis: RedisSettings;
  token: string;
  /** True when the token was generated on this start (print it once). */
  tokenGenerated: boolean;
  /** Absolute path of the file holding the generated token; null when BRIDGE_TOKEN is set. */
  tokenFile: string | null;
  /** BRIDGE_READ_TOKEN: every GET, no action; null when unset. */
  readToken: string | null;
  host: string;
  port: number;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `LOG_FORMAT`; null lets the logger choose (pretty on a terminal, JSON otherwise). */
  logFormat: 'pretty' | 'json' | null;
  pollIntervalMs: number;
  /** Per-queue stuck thresholds in seconds, overriding the catalogue. */
  stuckThresholds: Readonly<Record<string, number>>;
  excludedQueues: ReadonlySet<string>;
  /** HISTORY_RETENTION_DAYS: history rows and hour buckets older than this are pruned. */
  historyRetentionDays: number;
  /** ADAPTIVE_THRESHOLD_FACTOR (0 = off); null when unset (default 4). */
  adaptiveThresholdFactor: number | null;
  /** STALL_MINUTES; null when unset (default 5). */
  stallMinutes: number | null;
  /** METRICS_TOKEN: accepted on GET /metrics besides the main and read tokens; null when unset. */
  metricsToken: string | null;
  alerts: AlertEnv;
  autoHeal: AutoHealEnv;
  /** IMPORT_MODE_ENABLED and IMPORT_MODE_ORDER (comma-separated queues); null when unset. */
  importMode: { enabled: boolean | null; order: string[] | null };
  /** DOCKER_HOST (default unix:///var/run/docker.sock) and IMMICH_CONTAINER_NAME (default immich_server). */
  docker: { host: string; container: string };
  /** ALLOW_UNTESTED: clear jobs even on a BullMQ major the bridge was never tested with. */
  allowUntested: boolean;
}

/** The auto-heal and quarantine variables as given; null when unset (their settings sections hold the defaults). */
export interface AutoHealEnv {
  enabled: boolean | null;
  intervalSeconds: number | null;
  action: 'alert_only' | 'clear_and_log' | 'clear_and_restart' | null;
  thresholdMinutes: number | null;
  dryRun: boolean | null;
  maxActionsPerHour: number | null;
  restartCooldownMinutes: number | null;
  quarantineAfter: number | null;
}

/** The alert variables as given; null when unset (the `notifiers`/`alerts` settings sections hold the defaults). */
export interface AlertEnv {
  /** IMMICH_PUBLIC_URL, else IMMICH_API_URL without `/api`: where alerts link to. */
  immichUrl: string | null;
  notifyUrls: string | null;
  webhookSecret: string | null;
  smtpUrl: string | null;
  emailTo: string | null;
  emailFrom: string | null;
  cooldownMinutes: number | null;
  failureSpike: number | null;
  retryBaseMs: number;
  maxAttempts: number;
}

export type RedisSettings = { kind: 'url'; url: string } | { kind: 'options'; options: Record<string, unknown> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const httpUrl = z
  .string()
  .url('must be a URL like http://immich-server:2283')
  .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://');

/** `IMMICH_API_URL` with or without `/api`: the SDK wants the base that ends in `/api`. */
function apiBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/api') ? trimmed : `${trimmed}/api`;
}

const thresholds = z.string().transform((value, ctx) => {
  const result: Record<string, number> = {};
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([^=:\s]+)\s*[=:]\s*(\d+)$/.exec(part);
    if (!match || !QUEUE_NAME_PATTERN.test(match[1]!) || Number(match[2]) < 1) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not queue=seconds (e.g. videoConversion=3600)` });
      return z.NEVER;
    }
    result[match[1]!] = Number(match[2]);
  }
  return result;
});

/** A comma-separated list, blanks dropped. */
const listOf = (value: string) =>
  value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);

const queueList = z.string().transform((value, ctx) => {
  const names = listOf(value);
  const bad = names.find((name) => !QUEUE_NAME_PATTERN.test(name));
  if (bad) {
    ctx.addIssue({ code: 'custom', message: `"${bad}" is not a queue name` });
    return z.NEVER;
  }
  return new Set(names);
});

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], 'must be true or false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const bearerToken = z.string().min(16, 'must be at least 16 characters').regex(/^\S+$/, 'must not contain spaces');

const envSchema = z.object({
  IMMICH_API_URL: httpUrl.transform(apiBase).optional(),
  IMMICH_API_KEY: z.string().min(1).optional(),
  REDIS_URL: z
    .string()
    .refine((v) => /^(rediss?|ioredis):\/\//.test(v), 'must be redis://, rediss:// or ioredis://<base64 JSON>')
    .optional(),
  REDIS_HOSTNAME: z.string().min(1).default('redis'),
  REDIS_PORT: intIn(1, 65535).default(6379),
  REDIS_USERNAME: z.string().optional(),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_DBINDEX: intIn(0, 15).default(0),
  REDIS_SOCKET: z.string().optional(),
  BRIDGE_TOKEN: bearerToken.optional(),
  BRIDGE_READ_TOKEN: bearerToken.optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: intIn(0, 65535).default(3000),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json'], 'must be pretty or json').optional(),
  POLL_INTERVAL_MS: intIn(250, 60_000).default(2000),
  STUCK_THRESHOLDS: thresholds.default({}),
  EXCLUDED_QUEUES: queueList.default(new Set<string>()),
  HISTORY_RETENTION_DAYS: intIn(1, 3650).default(90),
  ADAPTIVE_THRESHOLD_FACTOR: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number (0 turns adaptive thresholds off)')
    .transform(Number)
    .pipe(z.number().max(100, 'must be at most 100'))
    .optional(),
  STALL_MINUTES: intIn(1, 1440).optional(),
  METRICS_TOKEN: bearerToken.optional(),
  IMMICH_PUBLIC_URL: httpUrl.optional(),
  NOTIFY_URLS: z
    .string()
    .superRefine((value, ctx) => {
      try {
        parseNotifierUrls(value.split(','));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must be smtp://user:password@host:587 or smtps://…')
    .optional(),
  ALERT_EMAIL_TO: z
    .string()
    .regex(/^[^\s,@]+@[^\s,@]+(\s*,\s*[^\s,@]+@[^\s,@]+)*$/, 'must be addresses, comma separated')
    .optional(),
  ALERT_EMAIL_FROM: z.string().optional(),
  ALERT_COOLDOWN_MINUTES: intIn(0, 1440).optional(),
  FAILURE_SPIKE: intIn(1, 1_000_000).optional(),
  ALERT_RETRY_BASE_MS: intIn(10, 600_000).default(2000),
  ALERT_MAX_ATTEMPTS: intIn(1, 20).default(5),
  AUTO_HEAL_ENABLED: flag.optional(),
  AUTO_HEAL_INTERVAL_SECONDS: intIn(1, 86_400).optional(),
  AUTO_HEAL_ACTION: z
    .enum(
      ['alert_only', 'clear_and_log', 'clear_and_restart'],
      'must be alert_only, clear_and_log or clear_and_restart',
    )
    .optional(),
  AUTO_HEAL_THRESHOLD_MINUTES: intIn(1, 10_080).optional(),
  AUTO_HEAL_DRY_RUN: flag.optional(),
  AUTO_HEAL_MAX_ACTIONS_PER_HOUR: intIn(1, 10_000).optional(),
  RESTART_COOLDOWN_MINUTES: intIn(0, 1440).optional(),
  QUARANTINE_AFTER: intIn(0, 1000).optional(),
  IMPORT_MODE_ENABLED: flag.optional(),
  // The settings section's own rule: a value it would refuse must stop start-up here, one line, not in register().
  IMPORT_MODE_ORDER: z.string().transform(listOf).pipe(importOrderSchema).optional(),
  DOCKER_HOST: z
    .string()
    .regex(/^(unix:\/\/\/\S+|(tcp|http|https):\/\/[^\s/]+\/?)$/, 'must be unix:///path/docker.sock or tcp://host:port')
    .default('unix:///var/run/docker.sock'),
  IMMICH_CONTAINER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'must be a container name or id')
    .default('immich_server'),
  ALLOW_UNTESTED: flag.default(false),
});

type Env = Record<string, string | undefined>;

/** Immich's `REDIS_URL` may be `ioredis://<base64 JSON of ioredis options>` (Sentinel setups). */
function redisSettings(env: z.infer<typeof envSchema>): RedisSettings {
  if (env.REDIS_URL?.startsWith('ioredis://')) {
    const json = Buffer.from(env.REDIS_URL.slice('ioredis://'.length), 'base64').toString('utf8');
    try {
      return { kind: 'options', options: JSON.parse(json) as Record<string, unknown> };
    } catch {
      throw new ConfigError(['REDIS_URL: ioredis:// must carry base64-encoded JSON options']);
    }
  }
  if (env.REDIS_URL) return { kind: 'url', url: env.REDIS_URL };
  if (env.REDIS_SOCKET) return { kind: 'options', options: { path: env.REDIS_SOCKET, db: env.REDIS_DBINDEX } };
  return {
    kind: 'options',
    options: {
      host: env.REDIS_HOSTNAME,
      port: env.REDIS_PORT,
      db: env.REDIS_DBINDEX,
      ...(env.REDIS_USERNAME ? { username: env.REDIS_USERNAME } : {}),
      ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
    },
  };
}

/** The token from the environment, or one generated once and kept in DATA_DIR so it survives restarts. */
function resolveToken(
  fromEnv: string | undefined,
  dataDir: string,
): { token: string; generated: boolean; file: string | null } {
  if (fromEnv) return { token: fromEnv, generated: false, file: null };
  const file = join(dataDir, 'bridge-token');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 16) return { token: stored, generated: false, file };
  }
  const token = randomBytes(24).toString('base64url');
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (error) {
    throw new ConfigError([`DATA_DIR: cannot store the generated BRIDGE_TOKEN in ${dataDir} (${String(error)})`]);
  }
  return { token, generated: true, file };
}

/** Parses the environment; throws ConfigError listing every bad variable, one line each. */
export function loadConfig(env: Env = process.env): Config {
  // Compose passes `VAR=` for an unset `${VAR}`: an empty (or blank) variable means unset, everywhere.
  const given = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    // One line per variable, whatever number of rules it broke; an entry of a list is named by its place.
    const lines = new Map<string, string[]>();
    for (const { path, message } of parsed.error.issues) {
      const variable = String(path[0]);
      const entry = path.length > 1 ? ` (entry ${Number(path[1]) + 1})` : '';
      lines.set(variable, [...(lines.get(variable) ?? []), `${message}${entry}`]);
    }
    throw new ConfigError([...lines].map(([variable, messages]) => `${variable}: ${messages.join('; ')}`));
  }
  const e = parsed.data;
  if (e.IMMICH_API_URL && !e.IMMICH_API_KEY) {
    throw new ConfigError([
      'IMMICH_API_KEY: missing (unset or empty) while IMMICH_API_URL is set; create an API key as an Immich admin ' +
        '(Account Settings → API Keys) and pass it, or unset IMMICH_API_URL to run without Immich',
    ]);
  }
  if (Boolean(e.SMTP_URL) !== Boolean(e.ALERT_EMAIL_TO)) {
    throw new ConfigError([
      `${e.SMTP_URL ? 'ALERT_EMAIL_TO' : 'SMTP_URL'}: missing; email alerts need both SMTP_URL and ALERT_EMAIL_TO`,
    ]);
  }
  const dataDir = resolve(e.DATA_DIR);
  const { token, generated, file } = resolveToken(e.BRIDGE_TOKEN, dataDir);
  if (e.BRIDGE_READ_TOKEN === token) {
    throw new ConfigError(['BRIDGE_READ_TOKEN: must differ from BRIDGE_TOKEN (it grants reads only)']);
  }
  return Object.freeze({
    immich: { apiUrl: e.IMMICH_API_URL ?? null, apiKey: e.IMMICH_API_KEY ?? null },
    redis: redisSettings(e),
    token,
    tokenGenerated: generated,
    tokenFile: file,
    readToken: e.BRIDGE_READ_TOKEN ?? null,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? null,
    pollIntervalMs: e.POLL_INTERVAL_MS,
    stuckThresholds: Object.freeze(e.STUCK_THRESHOLDS),
    excludedQueues: e.EXCLUDED_QUEUES,
    historyRetentionDays: e.HISTORY_RETENTION_DAYS,
    adaptiveThresholdFactor: e.ADAPTIVE_THRESHOLD_FACTOR ?? null,
    stallMinutes: e.STALL_MINUTES ?? null,
    metricsToken: e.METRICS_TOKEN ?? null,
    alerts: {
      immichUrl: (e.IMMICH_PUBLIC_URL ?? e.IMMICH_API_URL?.replace(/\/api$/, ''))?.replace(/\/+$/, '') ?? null,
      notifyUrls: e.NOTIFY_URLS ?? null,
      webhookSecret: e.WEBHOOK_SECRET ?? null,
      smtpUrl: e.SMTP_URL ?? null,
      emailTo: e.ALERT_EMAIL_TO ?? null,
      emailFrom: e.ALERT_EMAIL_FROM ?? null,
      cooldownMinutes: e.ALERT_COOLDOWN_MINUTES ?? null,
      failureSpike: e.FAILURE_SPIKE ?? null,
      retryBaseMs: e.ALERT_RETRY_BASE_MS,
      maxAttempts: e.ALERT_MAX_ATTEMPTS,
    },
    autoHeal: {
      enabled: e.AUTO_HEAL_ENABLED ?? null,
      intervalSeconds: e.AUTO_HEAL_INTERVAL_SECONDS ?? null,
      action: e.AUTO_HEAL_ACTION ?? null,
      thresholdMinutes: e.AUTO_HEAL_THRESHOLD_MINUTES ?? null,
      dryRun: e.AUTO_HEAL_DRY_RUN ?? null,
      maxActionsPerHour: e.AUTO_HEAL_MAX_ACTIONS_PER_HOUR ?? null,
      restartCooldownMinutes: e.RESTART_COOLDOWN_MINUTES ?? null,
      quarantineAfter: e.QUARANTINE_AFTER ?? null,
    },
    importMode: {
      enabled: e.IMPORT_MODE_ENABLED ?? null,
      order: e.IMPORT_MODE_ORDER ?? null,
    },
    docker: { host: e.DOCKER_HOST, container: e.IMMICH_CONTAINER_NAME },
    allowUntested: e.ALLOW_UNTESTED,
  });
}

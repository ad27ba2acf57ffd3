import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Configuration, read once from the environment. Only this module reads `process.env`. */
export interface Config {
  immich: { apiUrl: string | null; apiKey: string | null };
  redis: RedisSettings;
  token: string;
  /** True when the token was generated on this start (print it once). */
  tokenGenerated: boolean;
  host: string;
  port: number;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  pollIntervalMs: number;
  /** Per-queue stuck thresholds in seconds, overriding the catalogue. */
  stuckThresholds: Readonly<Record<string, number>>;
  excludedQueues: ReadonlySet<string>;
}

export type RedisSettings = { kind: 'url'; url: string } | { kind: 'options'; options: Record<string, unknown> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

const queueName = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

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
    if (!match || !queueName.test(match[1]!) || Number(match[2]) < 1) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not queue=seconds (e.g. videoConversion=3600)` });
      return z.NEVER;
    }
    result[match[1]!] = Number(match[2]);
  }
  return result;
});

const queueList = z.string().transform((value, ctx) => {
  const names = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const bad = names.find((name) => !queueName.test(name));
  if (bad) {
    ctx.addIssue({ code: 'custom', message: `"${bad}" is not a queue name` });
    return z.NEVER;
  }
  return new Set(names);
});

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
  BRIDGE_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .regex(/^\S+$/, 'must not contain spaces')
    .optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: intIn(0, 65535).default(3000),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  POLL_INTERVAL_MS: intIn(250, 60_000).default(2000),
  STUCK_THRESHOLDS: thresholds.default({}),
  EXCLUDED_QUEUES: queueList.default(new Set<string>()),
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
function resolveToken(fromEnv: string | undefined, dataDir: string): { token: string; generated: boolean } {
  if (fromEnv) return { token: fromEnv, generated: false };
  const file = join(dataDir, 'bridge-token');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 16) return { token: stored, generated: false };
  }
  const token = randomBytes(24).toString('base64url');
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (error) {
    throw new ConfigError([`DATA_DIR: cannot store the generated BRIDGE_TOKEN in ${dataDir} (${String(error)})`]);
  }
  return { token, generated: true };
}

/** Parses the environment; throws ConfigError listing every bad variable, one line each. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  if (e.IMMICH_API_URL && !e.IMMICH_API_KEY) {
    throw new ConfigError(['IMMICH_API_KEY: required when IMMICH_API_URL is set (an admin API key)']);
  }
  const { token, generated } = resolveToken(e.BRIDGE_TOKEN, e.DATA_DIR);
  return Object.freeze({
    immich: { apiUrl: e.IMMICH_API_URL ?? null, apiKey: e.IMMICH_API_KEY ?? null },
    redis: redisSettings(e),
    token,
    tokenGenerated: generated,
    host: e.HOST,
    port: e.PORT,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    pollIntervalMs: e.POLL_INTERVAL_MS,
    stuckThresholds: Object.freeze(e.STUCK_THRESHOLDS),
    excludedQueues: e.EXCLUDED_QUEUES,
  });
}

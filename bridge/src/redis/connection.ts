import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../config.ts';
import type { Logger } from '../logger.ts';

/** Every command answers or fails within this (ioredis `commandTimeout`): a frozen Redis never hangs a request. */
export const COMMAND_TIMEOUT_MS = 2000;

/**
 * One client for reads and actions. Nothing is ever sent later than asked: no offline queue (while Redis
 * is away a command fails at once), and commands in flight when the connection drops are failed, never
 * re-sent on reconnect (an action answered 503 must not run minutes later). ioredis keeps reconnecting.
 */
export function createRedis(settings: RedisSettings): Redis {
  const common: RedisOptions = {
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(250 * attempt, 2000),
    connectionName: 'immich-admin-tools:bridge',
  };
  return settings.kind === 'url'
    ? new Redis(settings.url, common)
    : new Redis({ ...(settings.options as RedisOptions), ...common });
}

/** Resolves once the client is ready, or after timeoutMs: a bridge starts even while Redis is down. */
export function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}

/** ioredis' error when a command is refused before it is written (not ready, offline queue off). */
export const isNotSent = (error: unknown) =>
  error instanceof Error && /enableOfflineQueue options is false/.test(error.message);

export const isTimeout = (error: unknown) => error instanceof Error && error.message === 'Command timed out';

/** A short reason for a connection error, for the one log line an outage gets. */
export function connectionProblem(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ETIMEDOUT' || /ETIMEDOUT/.test(message)) return 'connection timed out';
  if (code === 'ECONNRESET') return 'connection reset';
  if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(message)) return 'authentication failed';
  return message;
}

/**
 * Whether Redis can take a command now, and the log of its transitions: each outage is logged once when
 * it starts (with where and why) and once when it ends, never per tick or per retry.
 * "Unresponsive" covers a Redis that keeps its socket open but stopped answering (frozen, SIGSTOP):
 * ioredis still says ready, so a timed-out command marks it, and the next answer clears it.
 */
export class RedisLink {
  private down = false;
  private unresponsive = false;
  private everReady = false;
  readonly address: string;

  constructor(
    readonly client: Redis,
    private readonly logger: Logger,
  ) {
    const o = client.options;
    this.address = o.path ? o.path : `${o.host ?? 'localhost'}:${o.port ?? 6379}`;
    client.on('ready', () => {
      if (this.down) this.logger.info({ redis: this.address }, `Redis is back at ${this.address}`);
      else if (!this.everReady) this.logger.info({ redis: this.address }, `connected to Redis at ${this.address}`);
      this.everReady = true;
      this.down = false;
    });
    // ioredis emits an error for each failed (re)connect, the reason included: report the first of an outage.
    client.on('error', (error) => this.lost(connectionProblem(error)));
  }

  /** Ready, and not known to be frozen: a command sent now is expected to answer. */
  get usable(): boolean {
    return this.client.status === 'ready' && !this.unresponsive;
  }

  /** A command got no answer within COMMAND_TIMEOUT_MS. */
  timedOut(): void {
    if (this.unresponsive) return;
    this.unresponsive = true;
    this.logger.warn(
      { redis: this.address },
      `Redis at ${this.address} does not answer (timeout after ${COMMAND_TIMEOUT_MS} ms); actions are refused until it does`,
    );
  }

  /** A command answered. */
  answered(): void {
    if (!this.unresponsive) return;
    this.unresponsive = false;
    this.logger.info({ redis: this.address }, `Redis at ${this.address} answers again`);
  }

  private lost(reason: string): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn({ redis: this.address, reason }, `cannot reach Redis at ${this.address} (${reason}); retrying`);
  }
}

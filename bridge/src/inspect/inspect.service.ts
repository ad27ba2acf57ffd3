import type {
  InspectCommandResponse,
  InspectEvent,
  InspectJobResponse,
  InspectKey,
  InspectQueueResponse,
  InspectWorker,
} from '@immich-admin-tools/shared';
import { AppError } from '../errors.ts';
import { queueFromClientName, queueKeys, queuePrefix } from '../redis/keys.ts';
import type { QueueRepository } from '../redis/queue.repository.ts';
import { MAX_RANGE, vetCommand } from './console-guard.ts';
import { redactJobHash, redactText, redactValue } from './redact.ts';

/** The most keys one queue view lists, and SCAN steps it takes to find them. */
const MAX_KEYS = 200;
const SCAN_STEPS = 10;
const SCAN_COUNT = 500;
const MAX_VALUE_CHARS = 2000;
const MAX_HASH_FIELDS = 500;
/** CLIENT LIST costs Redis CPU per connection: read at most this often, whatever the requests. */
const CLIENT_LIST_TTL_MS = 1000;

/** BullMQ keys of every queue that the bridge itself never reads (so keys.ts does not name them). */
const OTHER_BULL_KEYS = ['delayed', 'completed', 'id', 'stalled-check'];
const JOB_SETS = ['failed', 'delayed', 'completed', 'prioritized'];
const LENGTH_COMMAND: Record<string, string> = {
  list: 'LLEN',
  zset: 'ZCARD',
  hash: 'HLEN',
  set: 'SCARD',
  stream: 'XLEN',
  string: 'STRLEN',
};

type Reply = { error: string | null; value: unknown };

/** Read-only views of a queue's Redis keys for power users; secrets and mail-job data never leave redacted. */
export class InspectService {
  private clients: { at: number; lines: string[] | null } | null = null;

  constructor(private readonly repository: QueueRepository) {}

  async queue(name: string, options: { cursor: string; events: number }): Promise<InspectQueueResponse> {
    const k = queueKeys(name);
    const named = [
      ...Object.entries(k)
        .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'prefix')
        .map(([, key]) => key),
      ...OTHER_BULL_KEYS.map((key) => `${k.prefix}${key}`),
    ];
    const found = new Set<string>();
    let cursor = options.cursor;
    for (let step = 0; step < SCAN_STEPS && found.size < MAX_KEYS; step++) {
      const [reply] = await this.repository.inspect([
        ['SCAN', cursor, 'MATCH', `${queuePrefix(name)}*`, 'COUNT', String(SCAN_COUNT)],
      ]);
      const [next, keys] = ok(reply!) as [string, string[]];
      for (const key of keys) if (!named.includes(key)) found.add(key);
      cursor = next;
      if (cursor === '0') break;
    }
    const scanned = [...found].sort().slice(0, MAX_KEYS);
    const keys = [...named, ...scanned];
    const readClients = !this.clients || Date.now() - this.clients.at > CLIENT_LIST_TTL_MS;
    const replies = await this.repository.inspect([
      ...keys.flatMap((key) => [
        ['TYPE', key],
        ['PTTL', key],
      ]),
      ['XREVRANGE', k.events, '+', '-', 'COUNT', String(options.events)],
      ...(readClients ? [['CLIENT', 'LIST']] : []),
    ]);
    const types = keys.map((_, i) => String(ok(replies[2 * i]!)));
    const lengths = await this.repository.inspect(
      keys.flatMap((key, i) => (LENGTH_COMMAND[types[i]!] ? [[LENGTH_COMMAND[types[i]!]!, key]] : [])),
    );
    let next = 0;
    const described: InspectKey[] = keys.map((key, i) => {
      const type = types[i]!;
      const pttl = Number(ok(replies[2 * i + 1]!));
      return {
        key,
        type,
        length: LENGTH_COMMAND[type] ? Number(ok(lengths[next++]!)) : null,
        ttlMs: pttl >= 0 ? pttl : null,
      };
    });
    const events = (ok(replies[2 * keys.length]!) as [string, string[]][]).map(toEvent);
    if (readClients) {
      const list = replies[2 * keys.length + 1]!;
      // CLIENT LIST may be disabled (renamed commands, managed Redis): workers are then unknown, not absent.
      this.clients = { at: Date.now(), lines: list.error ? null : String(list.value).split('\n') };
    }
    const lines = this.clients!.lines;
    return {
      queue: name,
      // Named keys that do not exist are listed as `none`, so the view shows what BullMQ has not created yet.
      keys: described,
      cursor,
      truncated: cursor !== '0' || found.size > MAX_KEYS,
      events,
      workers: lines ? workersOf(name, lines) : [],
      workersKnown: lines !== null,
    };
  }

  async job(name: string, jobId: string): Promise<InspectJobResponse> {
    const k = queueKeys(name);
    const key = k.job(jobId);
    const [fields, ...rest] = await this.repository.inspect([
      ['HLEN', key],
      ['PTTL', `${key}:lock`],
      ['LLEN', `${key}:logs`],
      ['SISMEMBER', k.stalled, jobId],
      ...JOB_SETS.map((set) => ['ZSCORE', `${k.prefix}${set}`, jobId]),
    ]);
    const size = Number(ok(fields!));
    if (size === 0) throw new AppError('JOB_NOT_FOUND', 404, `No job hash ${jobId} in ${name}`);
    if (size > MAX_HASH_FIELDS)
      throw new AppError('FORBIDDEN', 403, `The hash of ${jobId} has ${size} fields: too large to show`);
    const [all] = await this.repository.inspect([['HGETALL', key]]);
    const { hash, redacted } = redactJobHash(pairs(ok(all!) as string[]));
    const bounded = Object.fromEntries(Object.entries(hash).map(([f, v]) => [f, truncate(v).value]));
    const [lock, logs, stalled, ...sets] = rest.map(ok);
    const pttl = Number(lock);
    return {
      queue: name,
      jobId,
      key,
      hash: bounded,
      redacted,
      lockTtlMs: pttl >= 0 ? pttl : null,
      logs: Number(logs),
      in: [...(Number(stalled) === 1 ? ['stalled'] : []), ...JOB_SETS.filter((_, i) => sets[i] !== null)],
    };
  }

  /** The console: one vetted read command (403 otherwise), its answer bounded and redacted. */
  async command(rawCommand: string, rawArgs: (string | number)[]): Promise<InspectCommandResponse> {
    const vetted = vetCommand(rawCommand, rawArgs);
    const key = vetted.key;
    if (vetted.command === 'HGETALL' || vetted.command === 'HGET') {
      const [size, name] = await this.repository.inspect([
        ['HLEN', key!],
        ['HGET', key!, 'name'],
      ]);
      if (Number(ok(size!)) > MAX_HASH_FIELDS) {
        throw new AppError(
          'FORBIDDEN',
          403,
          `${key} has more than ${MAX_HASH_FIELDS} fields: read single fields with HGET`,
        );
      }
      const [reply] = await this.repository.inspect([[vetted.command, ...vetted.args]]);
      // The job's name decides whether its data may be shown at all.
      const jobName = ok(name!);
      const value = ok(reply!);
      if (vetted.command === 'HGETALL') {
        const { hash, redacted } = redactJobHash(pairs(value as string[]));
        return this.answer(vetted, hash, redacted.length > 0);
      }
      if (value === null) return this.answer(vetted, null, false);
      const field = vetted.args[1]!;
      const { hash, redacted } = redactJobHash({
        ...(jobName === null ? {} : { name: String(jobName) }),
        [field]: String(value),
      });
      return this.answer(vetted, hash[field], redacted.includes(field));
    }
    const [reply] = await this.repository.inspect([[vetted.command, ...vetted.args]]);
    const { value, redacted } = redactValue(ok(reply!));
    return this.answer(vetted, value, redacted);
  }

  private answer(
    vetted: { command: string; args: string[] },
    value: unknown,
    redacted: boolean,
  ): InspectCommandResponse {
    const { value: result, truncated } = bound(value);
    return { command: vetted.command, args: vetted.args, result, truncated, redacted };
  }
}

/** A reply's value; Redis' own error reply (WRONGTYPE, ...) is the caller's mistake: 400 with Redis' words. */
function ok(reply: Reply): unknown {
  if (reply.error !== null) throw new AppError('BAD_REQUEST', 400, `Redis: ${reply.error}`);
  return reply.value;
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

function toEvent([id, flat]: [string, string[]]): InspectEvent {
  const fields = pairs(flat);
  for (const [f, v] of Object.entries(fields)) fields[f] = truncate(redactText(v).value).value;
  return { id, fields };
}

function truncate(text: string): { value: string; truncated: boolean } {
  if (text.length <= MAX_VALUE_CHARS) return { value: text, truncated: false };
  return {
    value: `${text.slice(0, MAX_VALUE_CHARS)}… [${text.length - MAX_VALUE_CHARS} more characters]`,
    truncated: true,
  };
}

/** Lists cut at MAX_RANGE items and strings at MAX_VALUE_CHARS, at any depth. */
function bound(value: unknown): { value: unknown; truncated: boolean } {
  let truncated = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const t = truncate(v);
      truncated ||= t.truncated;
      return t.value;
    }
    if (Array.isArray(v)) {
      if (v.length > MAX_RANGE) truncated = true;
      return v.slice(0, MAX_RANGE).map(walk);
    }
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    return v;
  };
  return { value: walk(value), truncated };
}

/** The queue's BullMQ worker connections; only name, address, age and idle time are shown. */
function workersOf(queue: string, lines: string[]): InspectWorker[] {
  const workers: InspectWorker[] = [];
  for (const line of lines) {
    const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1] ?? '';
    const name = field('name');
    if (!name || queueFromClientName(name) !== queue) continue;
    workers.push({ name, addr: field('addr'), ageSeconds: Number(field('age')), idleSeconds: Number(field('idle')) });
  }
  return workers;
}

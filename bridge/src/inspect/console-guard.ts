import { AppError } from '../errors.ts';
import { IMMICH_PREFIX } from '../redis/keys.ts';

/** The most items a range may ask for, and a SCAN step's largest COUNT. */
export const MAX_RANGE = 200;
export const MAX_SCAN_COUNT = 1000;

/** The read commands the console runs, each with the one form it accepts. */
export const CONSOLE_COMMANDS = [
  'GET',
  'HGETALL',
  'HGET',
  'LRANGE',
  'ZRANGE',
  'XRANGE',
  'XINFO',
  'TTL',
  'PTTL',
  'TYPE',
  'LLEN',
  'ZCARD',
  'SCAN',
] as const;
export type ConsoleCommand = (typeof CONSOLE_COMMANDS)[number];

export interface VettedCommand {
  command: ConsoleCommand;
  /** What is sent to Redis, a default COUNT included. */
  args: string[];
  /** The key it reads (null for SCAN). */
  key: string | null;
}

/** A key of one queue: `immich_bull:<queue>:<rest>`, with nothing that globs or climbs. */
const KEY = new RegExp(`^${IMMICH_PREFIX}:[A-Za-z][A-Za-z0-9_-]{0,63}:[A-Za-z0-9:/_.-]{1,200}$`);
/** A SCAN pattern must name the queue before any wildcard: `immich_bull:*` alone would walk all of Immich. */
const PATTERN = new RegExp(`^${IMMICH_PREFIX}:[A-Za-z][A-Za-z0-9_-]{0,63}:[A-Za-z0-9:/_.*?-]{0,200}$`);
const INDEX = /^-?\d{1,10}$/;
const STREAM_ID = /^([-+]|\(?\d{1,15}(-\d{1,15})?)$/;
const FIELD = /^[A-Za-z0-9:_.-]{1,64}$/;
const WHY_LUA = 'Lua scripts and functions can write to Redis, so the console never runs them';

const refuse = (why: string) => new AppError('FORBIDDEN', 403, why);

/**
 * Checks a console command before anything reaches Redis: only the listed read commands, in their one
 * accepted form, on `immich_bull:<queue>:` keys, with bounded ranges. Throws 403 FORBIDDEN saying why.
 */
export function vetCommand(rawCommand: string, rawArgs: readonly (string | number)[]): VettedCommand {
  const args = rawArgs.map(String);
  // Looked for by code point: CR/LF could split a command on an inline protocol, NUL ends C strings.
  if ([rawCommand, ...args].some((part) => [...part].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\u007f'))) {
    throw refuse('control characters (CR, LF, NUL, ...) are not allowed in a command or its arguments');
  }
  const command = rawCommand.trim().toUpperCase();
  if (/^(EVAL|EVALSHA|EVAL_RO|EVALSHA_RO|SCRIPT|FUNCTION|FCALL|FCALL_RO)$/.test(command)) throw refuse(WHY_LUA);
  if (!(CONSOLE_COMMANDS as readonly string[]).includes(command)) {
    throw refuse(
      `${command || 'an empty command'} is not one of the read commands the console runs (${CONSOLE_COMMANDS.join(', ')}); changes go through the bridge's documented actions`,
    );
  }
  const vetted = command as ConsoleCommand;
  if (vetted === 'SCAN') return vetScan(args);
  if (vetted === 'XINFO') {
    // Only STREAM: FULL returns whole streams, GROUPS/CONSUMERS are not needed.
    if (args.length !== 2 || args[0]!.toUpperCase() !== 'STREAM')
      throw refuse('XINFO is allowed only as XINFO STREAM <key>');
    vetKey(args[1]);
    return { command: 'XINFO', args: ['STREAM', args[1]!], key: args[1]! };
  }
  const [key, ...rest] = args;
  vetKey(key);
  const done = (extra: string[] = rest): VettedCommand => ({ command: vetted, args: [key!, ...extra], key: key! });
  switch (vetted) {
    case 'GET':
    case 'HGETALL':
    case 'TTL':
    case 'PTTL':
    case 'TYPE':
    case 'LLEN':
    case 'ZCARD':
      arity(vetted, rest, 0, '<key>');
      return done();
    case 'HGET':
      arity(vetted, rest, 1, '<key> <field>');
      if (!FIELD.test(rest[0]!)) throw refuse('HGET takes one plain field name (letters, digits, : _ . -)');
      return done();
    case 'LRANGE':
    case 'ZRANGE': {
      const withScores = vetted === 'ZRANGE' && rest.length === 3 && rest[2]!.toUpperCase() === 'WITHSCORES';
      if (!(rest.length === 2 || withScores)) {
        throw refuse(
          `${vetted} takes <key> <start> <stop>${vetted === 'ZRANGE' ? ' [WITHSCORES]' : ''} and nothing else`,
        );
      }
      vetRange(vetted, rest[0]!, rest[1]!);
      return done(withScores ? [rest[0]!, rest[1]!, 'WITHSCORES'] : rest);
    }
    case 'XRANGE':
      return done(vetXrange(rest));
  }
}

function vetKey(key: string | undefined): void {
  if (key === undefined) throw refuse('a key is needed');
  if (key.includes('..') || !KEY.test(key)) {
    throw refuse(
      `only keys of one queue are readable: ${IMMICH_PREFIX}:<queue>:<name>, plain characters, no wildcards`,
    );
  }
}

function arity(command: string, rest: string[], n: number, form: string): void {
  if (rest.length !== n) throw refuse(`${command} takes ${form} and nothing else`);
}

function vetRange(command: string, start: string, stop: string): void {
  if (!INDEX.test(start) || !INDEX.test(stop)) throw refuse(`${command} takes whole-number indices`);
  const a = Number(start);
  const b = Number(stop);
  // Mixed signs (0 -1) span the whole list, whatever its size: refused like any range over the cap.
  const sameSide = (a >= 0 && b >= 0) || (a < 0 && b < 0);
  if (!sameSide || b < a || b - a + 1 > MAX_RANGE) {
    throw refuse(
      `ranges are capped at ${MAX_RANGE} items: ask for e.g. 0 ${MAX_RANGE - 1} or -${MAX_RANGE} -1 (both ends on the same side)`,
    );
  }
}

function vetXrange(rest: string[]): string[] {
  const [start, end, countWord, count, ...more] = rest;
  if (start === undefined || end === undefined || more.length > 0 || (countWord !== undefined && count === undefined)) {
    throw refuse('XRANGE takes <key> <start> <end> [COUNT n] and nothing else');
  }
  if (!STREAM_ID.test(start) || !STREAM_ID.test(end)) throw refuse('XRANGE takes stream ids, - or +');
  if (countWord === undefined) return [start, end, 'COUNT', String(MAX_RANGE)];
  if (countWord.toUpperCase() !== 'COUNT') throw refuse('XRANGE takes only the COUNT option');
  if (!/^\d{1,4}$/.test(count!) || Number(count) < 1 || Number(count) > MAX_RANGE) {
    throw refuse(`XRANGE COUNT is capped at ${MAX_RANGE}`);
  }
  return [start, end, 'COUNT', count!];
}

function vetScan(args: string[]): VettedCommand {
  const [cursor, matchWord, pattern, countWord, count, ...more] = args;
  if (cursor === undefined || !/^\d{1,20}$/.test(cursor)) throw refuse('SCAN takes a numeric cursor first');
  if (matchWord?.toUpperCase() !== 'MATCH' || pattern === undefined) {
    throw refuse(`SCAN needs MATCH ${IMMICH_PREFIX}:<queue>:<pattern>: an unmatched SCAN walks all of Redis`);
  }
  if (pattern.includes('..') || !PATTERN.test(pattern)) {
    throw refuse(
      `SCAN MATCH must name one queue before any wildcard (${IMMICH_PREFIX}:<queue>:*); no [ ] or \\ classes`,
    );
  }
  if (more.length > 0 || (countWord !== undefined && (countWord.toUpperCase() !== 'COUNT' || count === undefined))) {
    throw refuse('SCAN takes <cursor> MATCH <pattern> [COUNT n] and nothing else');
  }
  if (count !== undefined && (!/^\d{1,4}$/.test(count) || Number(count) < 1 || Number(count) > MAX_SCAN_COUNT)) {
    throw refuse(`SCAN COUNT is capped at ${MAX_SCAN_COUNT}`);
  }
  return { command: 'SCAN', args: [cursor, 'MATCH', pattern, 'COUNT', count ?? '100'], key: null };
}

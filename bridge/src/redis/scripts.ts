import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** Lua files are named like BullMQ's: `<name>-<number of keys>.lua`. */
const SCRIPTS = {
  snapshot: 'snapshot-0.lua',
  clearActiveJob: 'clear-active-job-10.lua',
  failedPage: 'failed-page-1.lua',
  removeWaitingJobs: 'remove-waiting-jobs-0.lua',
} as const;

type RedisValue = string | number | null | RedisValue[];

export interface ScriptCommands {
  snapshot(...args: (string | number)[]): Promise<RedisValue[]>;
  clearActiveJob(...args: (string | number)[]): Promise<RedisValue[]>;
  failedPage(...args: (string | number)[]): Promise<RedisValue[]>;
  removeWaitingJobs(...args: (string | number)[]): Promise<RedisValue[]>;
}

/** Registers the scripts on a client; ioredis sends EVALSHA and reloads a script Redis forgot (after a restart). */
export function defineScripts(redis: Redis): Redis & ScriptCommands {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    const lua = readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
    const numberOfKeys = Number(/-(\d+)\.lua$/.exec(file)![1]);
    redis.defineCommand(name, { lua, numberOfKeys });
  }
  return redis as Redis & ScriptCommands;
}

/** Codes of clear-active-job-10.lua, typed once. */
export const CLEAR_CODES = {
  cleared: 1,
  danglingDropped: -1,
  notActive: -3,
  locked: -10,
  changed: -11,
  retryLocked: -12,
} as const;

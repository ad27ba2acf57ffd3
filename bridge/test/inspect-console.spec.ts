import type {
  ErrorBody,
  InspectCommandResponse,
  InspectJobResponse,
  InspectQueueResponse,
} from '@immich-admin-tools/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { startWorker, type SimWorker } from '../../sim/src/bull/workers.ts';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { CONSOLE_COMMANDS, vetCommand } from '../src/inspect/console-guard.ts';
import { errorCode, startHarness, type BridgeHarness } from './harness.ts';

/** The Redis inspector on a real redis-server with real BullMQ jobs, a hung worker holding one of them. */
const READ_TOKEN = 'read-token-0123456789abcdef';
const Q = 'thumbnailGeneration';
const P = `immich_bull:${Q}:`;
let redisServer: RedisServer;
let h: BridgeHarness;
let worker: SimWorker;
let activeId: string;
let waitingId: string;
let mailId: string;

beforeAll(async () => {
  redisServer = await startRedisServer();
  h = await startHarness({ BRIDGE_READ_TOKEN: READ_TOKEN }, redisServer);
  worker = await startWorker({ redisUrl: redisServer.url, queue: Q, behavior: 'hang', concurrency: 1 });
  const ids = await addImmichJobs(redisServer.url, Q, [
    { name: 'AssetGenerateThumbnails', data: { id: 'a1', apiKey: 'key-do-not-show', note: 'Bearer abcdefghijklmnop' } },
    { name: 'AssetGenerateThumbnails', data: { id: 'a2' } },
  ]);
  [activeId, waitingId] = [ids[0]!, ids[1]!];
  const mail = await addImmichJobs(redisServer.url, 'notifications', [
    { name: 'SendMail', data: { to: 'someone@example.org', smtp: { host: 'mail', user: 'u' }, html: 'hello' } },
  ]);
  mailId = mail[0]!;
  await worker.waitForActive(1);
  await h.until(async () =>
    h.bridge.snapshots.snapshot?.queues.some((q) => q.name === 'notifications') ? true : undefined,
  );
});

afterAll(async () => {
  await worker?.close();
  await h?.close();
  await redisServer?.dispose();
});

const run = (command: string, args: (string | number)[] = [], token?: string) =>
  h.api<InspectCommandResponse>('/api/inspect/command', { method: 'POST', json: { command, args }, token });

describe('inspector views', () => {
  it("lists a queue's keys with type, length and TTL, its last events and its worker connection", async () => {
    const res = await h.api<InspectQueueResponse>(`/api/inspect/queues/${Q}?events=3`, { token: READ_TOKEN });
    expect(res.status).toBe(200);
    const key = (k: string) => res.body.keys.find((x) => x.key === k);
    expect(key(`${P}active`)).toEqual({ key: `${P}active`, type: 'list', length: 1, ttlMs: null });
    expect(key(`${P}wait`)).toMatchObject({ type: 'list', length: 1 });
    expect(key(`${P}meta`)).toMatchObject({ type: 'hash' });
    expect(key(`${P}events`)).toMatchObject({ type: 'stream' });
    expect(key(`${P}delayed`)).toEqual({ key: `${P}delayed`, type: 'none', length: null, ttlMs: null });
    expect(key(`${P}${waitingId}`)).toMatchObject({ type: 'hash' });
    expect(key(`${P}${activeId}:lock`)!.ttlMs).toBeGreaterThan(0);
    expect(res.body.keys.every((k) => k.key.startsWith(P))).toBe(true);
    expect(res.body.cursor).toBe('0');
    expect(res.body.events).toHaveLength(3);
    expect(res.body.events[0]!.id > res.body.events[2]!.id).toBe(true);
    expect(res.body.workersKnown).toBe(true);
    expect(res.body.workers).toHaveLength(1);
    expect(Object.keys(res.body.workers[0]!).sort()).toEqual(['addr', 'ageSeconds', 'idleSeconds', 'name']);
    expect(res.body.workers[0]!.name).toBe(`immich_bull:${Buffer.from(Q).toString('base64')}:w:microservices`);
  });

  it('shows a raw job hash with secrets redacted, and never the data of a mail job', async () => {
    const job = await h.api<InspectJobResponse>(`/api/inspect/queues/${Q}/jobs/${activeId}`, { token: READ_TOKEN });
    expect(job.status).toBe(200);
    expect(job.body.hash.name).toBe('AssetGenerateThumbnails');
    expect(JSON.parse(job.body.hash.data!)).toEqual({ id: 'a1', apiKey: '[redacted]', note: 'Bearer [redacted]' });
    expect(job.body.redacted).toEqual(['data']);
    expect(job.body.lockTtlMs).toBeGreaterThan(0);
    const mail = await h.api<InspectJobResponse>(`/api/inspect/queues/notifications/jobs/${mailId}`);
    expect(mail.body.hash.name).toBe('SendMail');
    expect(JSON.stringify(mail.body)).not.toMatch(/someone@example\.org|hello/);
    for (const [command, args] of [
      ['HGETALL', [`immich_bull:notifications:${mailId}`]],
      ['HGET', [`immich_bull:notifications:${mailId}`, 'data']],
    ] as const) {
      const res = await run(command, [...args]);
      expect(res.status).toBe(200);
      expect(res.body.redacted).toBe(true);
      expect(JSON.stringify(res.body)).not.toMatch(/someone@example\.org|hello/);
    }
  });

  it('answers 404 for an unknown queue or job and 400 for a malformed one', async () => {
    expect(errorCode((await h.api('/api/inspect/queues/nosuchqueue')).body)).toBe('QUEUE_NOT_FOUND');
    expect(errorCode((await h.api(`/api/inspect/queues/${Q}/jobs/999999`)).body)).toBe('JOB_NOT_FOUND');
    expect((await h.api('/api/inspect/queues/..%2Fmeta')).status).toBe(400);
    expect((await h.api(`/api/inspect/queues/${Q}?events=100000`)).status).toBe(400);
  });
});

describe('console', () => {
  it('runs every allowed read command, bounded', async () => {
    const allowed: [string, string[]][] = [
      ['GET', [`${P}${activeId}:lock`]],
      ['HGETALL', [`${P}meta`]],
      ['HGET', [`${P}${waitingId}`, 'name']],
      ['LRANGE', [`${P}wait`, '0', '199']],
      ['ZRANGE', [`${P}failed`, '-10', '-1', 'WITHSCORES']],
      ['XRANGE', [`${P}events`, '-', '+']],
      ['XINFO', ['STREAM', `${P}events`]],
      ['TTL', [`${P}${activeId}:lock`]],
      ['PTTL', [`${P}${activeId}:lock`]],
      ['TYPE', [`${P}wait`]],
      ['LLEN', [`${P}wait`]],
      ['ZCARD', [`${P}failed`]],
      ['SCAN', ['0', 'MATCH', `${P}*`, 'COUNT', '1000']],
    ];
    expect(new Set(allowed.map(([c]) => c))).toEqual(new Set(CONSOLE_COMMANDS));
    for (const [command, args] of allowed) {
      const res = await run(command.toLowerCase(), args);
      expect(res.status, `${command} ${args.join(' ')}`).toBe(200);
    }
    expect((await run('HGET', [`${P}${waitingId}`, 'name'])).body.result).toBe('AssetGenerateThumbnails');
    expect((await run('LRANGE', [`${P}wait`, '0', '9'])).body.result).toEqual([waitingId]);
    const xrange = await run('XRANGE', [`${P}events`, '-', '+']);
    expect(xrange.body.args).toEqual([`${P}events`, '-', '+', 'COUNT', '200']);
    const scan = await run('SCAN', ['0', 'MATCH', `${P}*`]);
    const [, keys] = scan.body.result as [string, string[]];
    expect(keys.every((k) => k.startsWith(P))).toBe(true);
    expect((await run('PTTL', [`${P}${activeId}:lock`])).body.result).toBeGreaterThan(0);
  });

  it('refuses a WRONGTYPE from Redis as a bad request, not a failure', async () => {
    const res = await run('LLEN', [`${P}meta`]);
    expect(res.status).toBe(400);
    expect(errorCode(res.body)).toBe('BAD_REQUEST');
  });

  it('keeps the console to the full token (a POST), while the read token may use the GETs', async () => {
    const res = await run('TYPE', [`${P}wait`], READ_TOKEN);
    expect(res.status).toBe(403);
    expect(errorCode(res.body)).toBe('READ_ONLY_TOKEN');
  });
});

describe('console refusals leave Redis byte-for-byte unchanged', () => {
  /** Every immich_bull key with its DUMP (SCAN in the test only: the bridge never walks all keys). */
  async function dumpAll(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, keys] = await h.redis.scan(cursor, 'MATCH', 'immich_bull:*', 'COUNT', 1000);
      cursor = next;
      for (const key of keys) out.set(key, ((await h.redis.dumpBuffer(key)) ?? Buffer.alloc(0)).toString('hex'));
    } while (cursor !== '0');
    return out;
  }

  let before: Map<string, string>;
  beforeAll(async () => {
    // Nothing but the requests may touch Redis from here: the hung worker is abandoned (its lock just ages).
    await worker.close();
    await h.bridge.snapshots.stop();
    before = await dumpAll();
  });
  afterAll(async () => {
    expect(await dumpAll()).toEqual(before);
    h.bridge.snapshots.start();
  });

  const refused = async (command: string, args: (string | number)[], why?: RegExp) => {
    const res = await run(command, args);
    expect(res.status, `${command} ${args.join(' ')}`).toBe(403);
    expect(errorCode(res.body)).toBe('FORBIDDEN');
    if (why) expect((res.body as unknown as ErrorBody).error.message).toMatch(why);
  };

  it("refuses every command of this redis-server's COMMAND LIST that is not an allowed read", async () => {
    const all = (await h.redis.call('COMMAND', 'LIST')) as string[];
    expect(all.length).toBeGreaterThan(100);
    const others = all.map((c) => c.toUpperCase()).filter((c) => !(CONSOLE_COMMANDS as readonly string[]).includes(c));
    // The guard on all of them (pure, before any Redis call), HTTP on a sample of the dangerous ones.
    for (const command of others) {
      expect(() => vetCommand(command, [`${P}meta`, 'x', '1']), command).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', status: 403 }),
      );
    }
    for (const command of [
      'del',
      'Set',
      'FLUSHALL',
      'KEYS',
      'DUMP',
      'CLIENT',
      'CONFIG',
      'MULTI',
      'snapshot',
      'clearActiveJob',
      '',
    ])
      await refused(command, [`${P}meta`]);
  });

  it('refuses Lua, and CR, LF or NUL anywhere in a command', async () => {
    await refused('EVAL', ["return redis.call('SET', KEYS[1], 'x')", '1', `${P}meta`], /Lua/);
    await refused('EVALSHA', ['0123456789abcdef0123456789abcdef01234567', '0'], /Lua/);
    await refused('SCRIPT', ['FLUSH'], /Lua/);
    await refused('FUNCTION', ['FLUSH'], /Lua/);
    await refused('FCALL', ['f', '0'], /Lua/);
    await refused('GET', [`${P}meta\r\nFLUSHALL`], /control characters/);
    await refused('GET\r\nFLUSHALL', [`${P}meta`], /control characters/);
    await refused('HGET', [`${P}meta`, 'paused\nDEL x'], /control characters/);
    await refused('GET', [`${P}meta\u0000`], /control characters/);
    await refused('XRANGE', [`${P}events`, '-', '+', 'COUNT', '5\r\n'], /control characters/);
  });

  it('refuses keys outside one queue, wildcards and climbing', async () => {
    for (const key of [
      '*',
      'immich_bull:*',
      'immich_bull:',
      `immich_bull:${Q}`,
      `immich_bull:${Q}:`,
      `immich_bull:${Q}:*`,
      `immich_bull:${Q}:meta*`,
      'immich_bull:thumb?:meta',
      `immich_bull:${Q}:../x`,
      `immich_bull:${Q}:..`,
      `other:${Q}:meta`,
      'immich_admin_tools:lock',
      ` immich_bull:${Q}:meta`,
      `IMMICH_BULL:${Q}:meta`,
      `immich_bull:${Q}:[a]`,
      `immich_bull:${Q}:${'x'.repeat(300)}`,
    ]) {
      await refused('GET', [key], /only keys of one queue/);
    }
    await refused('GET', []);
    await refused('GET', [`${P}meta`, 'extra']);
    await refused('HGET', [`${P}meta`, 'a b']);
  });

  it('refuses SCANs that do not stay inside one queue', async () => {
    await refused('SCAN', ['0']);
    await refused('SCAN', ['0', 'COUNT', '10']);
    await refused('SCAN', ['x', 'MATCH', `${P}*`]);
    for (const pattern of [
      '*',
      'immich_bull:*',
      'immich_bull:*:meta',
      'immich_bull:th*',
      'other:*',
      `${P}[ab]*`,
      `${P}..*`,
      `${P}\\*`,
    ]) {
      await refused('SCAN', ['0', 'MATCH', pattern]);
    }
    await refused('SCAN', ['0', 'MATCH', `${P}*`, 'COUNT', '100000'], /capped/);
    await refused('SCAN', ['0', 'MATCH', `${P}*`, 'TYPE', 'hash']);
    await refused('SCAN', ['0', 'MATCH', `${P}*`, 'COUNT', '10', 'MATCH', '*']);
  });

  it('refuses oversize or open-ended ranges and other forms', async () => {
    for (const [start, stop] of [
      ['0', '-1'],
      ['0', '200'],
      ['-201', '-1'],
      ['5', '2'],
      ['-1', '10'],
      ['0', '9999999999'],
      ['a', '1'],
    ]) {
      await refused('LRANGE', [`${P}wait`, start!, stop!]);
      await refused('ZRANGE', [`${P}failed`, start!, stop!]);
    }
    await refused('ZRANGE', [`${P}failed`, '0', '10', 'BYSCORE']);
    await refused('ZRANGE', [`${P}failed`, '0', '10', 'REV']);
    await refused('XRANGE', [`${P}events`, '-', '+', 'COUNT', '201'], /capped/);
    await refused('XRANGE', [`${P}events`, '-', '+', 'COUNT']);
    await refused('XRANGE', [`${P}events`, '*', '+']);
    await refused('XINFO', ['STREAM', `${P}events`, 'FULL']);
    await refused('XINFO', ['GROUPS', `${P}events`]);
    await refused('XINFO', ['STREAM', 'immich_bull:*']);
  });

  it('answers malformed bodies with 400', async () => {
    for (const json of [
      { command: 'GET', args: 'x' },
      { command: 'GET', args: Array.from({ length: 9 }, () => 'x') },
      { command: 'G'.repeat(40), args: [] },
      { command: 'GET', args: [`${P}meta`], extra: 1 },
      { args: [] },
    ]) {
      expect((await h.api('/api/inspect/command', { method: 'POST', json })).status).toBe(400);
    }
  });
});

/**
 * Bad input, generated: every endpoint and method, with broken names, ids, bodies, content types and tokens,
 * sent as raw bytes over a real socket so Node's parser sees them too. A request is valid only when every
 * part of it is; the bridge must answer those 2xx and everything else 4xx with the error shape, never 5xx,
 * never crash, and leave the queues without workers byte-for-byte as they were.
 */
import { randomUUID } from 'node:crypto';
import type { ErrorBody } from '@immich-admin-tools/shared';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { immichJobsFor } from '../../sim/src/bull/immich-jobs.ts';
import { addImmichJobs, openImmichQueue } from '../../sim/src/bull/immich-queues.ts';
import { startWorker } from '../../sim/src/bull/workers.ts';
import { MAX_BODY_BYTES } from '../src/http/body.ts';
import { TOKEN, useStack, workOn } from './harness.ts';
import { rawRequest } from './raw-http.ts';

const READ_TOKEN = 'fuzz-read-token-0123456789';
const RUNS = 2000;
const s = useStack({ BRIDGE_READ_TOKEN: READ_TOKEN });

/** Queues holding data and no worker (their keys must not change) and the one a hung worker holds. */
const STILL_QUEUES = ['thumbnailGeneration', 'metadataExtraction', 'smartSearch', 'sidecar', 'notifications'];
const WORKED_QUEUE = 'faceDetection';

// ---- the parts of a request, each known valid or not ----------------------------------------------------

interface Part<T> {
  value: T;
  valid: boolean;
}
const good = <T>(value: T): Part<T> => ({ value, valid: true });
const bad = <T>(value: T): Part<T> => ({ value, valid: false });

const queueName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...STILL_QUEUES, WORKED_QUEUE).map(good) },
  {
    weight: 6,
    arbitrary: fc
      .oneof(
        // Well-formed but not in Redis: 404.
        fc.constantFrom('fooQueue', 'Thumbnailgeneration', 'a', 'x'.repeat(64)),
        fc.constantFrom('../', '..%2F', '*', '%00', '\u0000', 'a b', "'; FLUSHALL", '{x}', 'q:1', 'immich_bull:x'),
        fc.constantFrom('キュー', 'ocr\u202e', '😀', 'é', 'x'.repeat(10 * 1024), 'y'.repeat(17 * 1024)),
        fc.string({ unit: 'binary', maxLength: 40 }),
      )
      .map(bad),
  },
);

/** Ids never active here: some well-formed (the bridge looks and answers 404/409), most not. */
const jobId = fc
  .oneof(
    fc.constantFrom('99999', 'abc-1', '5000'),
    fc.constantFrom('*', '?', '[a-z]', '\\', '"', "'", '--', ']]', '[[', 'redis.call("FLUSHALL")', 'KEYS *'),
    fc.constantFrom('1:lock', '{tag}', '%0d%0a', '\r\nDEL x', '${x}', 'x'.repeat(10 * 1024), '%', '%zz'),
    fc.string({ unit: 'binary', maxLength: 30 }),
  )
  .map(bad);

type Auth = Part<string | null> & { read?: boolean };
const token: fc.Arbitrary<Auth> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ value: `Bearer ${TOKEN}`, valid: true }) },
  { weight: 2, arbitrary: fc.constant({ value: `Bearer ${READ_TOKEN}`, valid: true, read: true }) },
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        fc.constant(null),
        fc.constantFrom(
          `Bearer ${TOKEN.slice(0, -1)}`,
          `Bearer ${TOKEN.slice(0, 8)}`,
          `Bearer ${TOKEN}0`,
          `Bearer ${READ_TOKEN.toUpperCase()}`,
          `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`,
          `Token ${TOKEN}`,
          TOKEN,
          'Bearer',
          `Bearer ${TOKEN} ${TOKEN}`,
          `Bearer ${'A'.repeat(4000)}`,
        ),
        fc.string({ maxLength: 40 }).map((t) => `Bearer ${t.replace(/[\r\n]/g, '')}`),
      )
      .map((value) => ({ value, valid: false })),
  },
);

type Route =
  | 'health'
  | 'status'
  | 'queues'
  | 'queue'
  | 'read'
  | 'events'
  | 'command'
  | 'clearStuck'
  | 'clearJob'
  | 'clearAll'
  | 'other'
  | 'quarantine'
  | 'thumbnail'
  | 'metrics'
  | 'junk';
/** Which action body each route accepts (GET routes take none). */
type BodyKind = 'empty' | 'clearStuck' | 'clearJob' | 'clearAll' | 'alertTest';

interface Body {
  text: string | null;
  /** Routes whose schema it satisfies. */
  okFor: BodyKind[];
}
const ALL_ACTIONS: BodyKind[] = ['empty', 'clearStuck', 'clearJob', 'clearAll', 'alertTest'];
const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ text: null, okFor: ALL_ACTIONS }) },
  { weight: 2, arbitrary: fc.constant({ text: '{}', okFor: ALL_ACTIONS }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Body>(
      { text: '{"mode":"fail"}', okFor: ['clearStuck', 'clearJob', 'clearAll'] },
      { text: '{"mode":"remove"}', okFor: ['clearStuck', 'clearJob', 'clearAll'] },
      { text: '{"mode":"retry","jobIds":["99999"]}', okFor: ['clearStuck'] },
      { text: '{"force":true,"startedAt":1700000000000}', okFor: ['clearJob'] },
      { text: '{"startedAt":"2026-01-01T00:00:00Z"}', okFor: ['clearJob'] },
      { text: '{"notifier":"webhook"}', okFor: ['alertTest'] },
    ),
  },
  {
    weight: 6,
    arbitrary: fc
      .oneof(
        fc.constantFrom('{"mode":', '{mode:"fail"}', 'nope', '', '[]', 'null', '"fail"', '1', '{"mode":"fail"}}'),
        fc.constantFrom('{"mode":"nuke"}', '{"mode":1}', '{"jobIds":"1"}', '{"jobIds":[]}', '{"force":"yes"}'),
        fc.constantFrom('{"startedAt":-1}', '{"mode":"fail","extra":true}', '{"__proto__":{"x":1}}', '\u0000'),
        fc.constant(JSON.stringify({ jobIds: Array.from({ length: 501 }, (_, i) => String(i)) })),
        fc.constant('['.repeat(5000) + ']'.repeat(5000)),
        fc.constant(`{"mode":"${'f'.repeat(17 * 1024)}"}`),
        fc.constant(' '.repeat(1024 * 1024)),
        fc.json({ maxDepth: 3 }).filter((j) => j !== '{}'),
        fc.string({ unit: 'binary', maxLength: 200 }),
      )
      .map((text) => ({ text: text === '' ? '\u00a0' : text, okFor: [] })),
  },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8').map(good) },
  { weight: 1, arbitrary: fc.constant('application/vnd.api+json').map(good) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        null,
        'text/plain;charset=UTF-8',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        '*/*',
        'json',
      )
      .map(bad),
  },
);

const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS');

const query = fc.oneof(
  fc.constant(good('')),
  fc.constantFrom('?failedOffset=0&failedLimit=10', '?failedLimit=200', '?unknown=1').map(good),
  fc
    .constantFrom(
      '?failedLimit=0',
      '?failedLimit=201',
      '?failedOffset=-1',
      '?failedOffset=abc',
      '?failedLimit=1&failedLimit=2',
    )
    .map(bad),
);

/** Percent-encoded, or raw (then the router and Node's parser see the characters themselves). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function encodeSegment(value: string, raw: boolean): string {
  if (raw) return value;
  try {
    return encodeURIComponent(value);
  } catch {
    return value; // lone surrogates cannot be encoded: send them raw
  }
}

interface Generated {
  method: string;
  route: Route;
  path: string;
  auth: Auth;
  body: Body;
  contentType: Part<string | null>;
  /** The request is valid in every part: expect 2xx. */
  valid: boolean;
}

const request: fc.Arbitrary<Generated> = fc
  .record({
    method,
    route: fc.constantFrom<Route>(
      'health',
      'status',
      'queues',
      'queue',
      'read',
      'events',
      'command',
      'clearStuck',
      'clearJob',
      'clearAll',
      'other',
      'quarantine',
      'thumbnail',
      'metrics',
      'junk',
    ),
    read: fc.oneof(
      fc.constantFrom('/api/history', '/api/history?queue=ocr', '/api/stats', '/api/stats?range=7d').map(good),
      fc.constantFrom('/api/auto-heal', '/api/problem-assets', '/api/problem-assets?limit=10').map(good),
      fc
        .constantFrom('/api/history?queue=../', '/api/history?jobId=*', '/api/history?assetId=nope', '/api/stats?x=1')
        .map(bad),
      fc.constantFrom('/api/stats?range=1y', '/api/problem-assets?limit=0', '/api/problem-assets?limit=x').map(bad),
    ),
    /** Actions outside /api/queues, each with its method and the body it takes. */
    other: fc.constantFrom<{ method: string; path: string; takes: BodyKind | 'anyJson' }>(
      { method: 'POST', path: '/api/auto-heal/run', takes: 'empty' },
      { method: 'POST', path: '/api/auto-heal/reset', takes: 'empty' },
      { method: 'POST', path: '/api/actions/restart-immich', takes: 'empty' },
      { method: 'POST', path: '/api/actions/clear-all-and-restart', takes: 'clearAll' },
      { method: 'POST', path: '/api/alerts/test', takes: 'alertTest' },
      // Their own schemas judge a body that parses: such a body is sent as if valid (with the read token).
      { method: 'PUT', path: '/api/settings', takes: 'anyJson' },
      { method: 'PUT', path: '/api/import-mode', takes: 'anyJson' },
    ),
    queue: queueName,
    job: jobId,
    rawSegments: fc.boolean(),
    command: fc.constantFrom('pause', 'resume', 'failed/retry', 'failed/clear'),
    asset: fc.oneof(fc.constant(randomUUID()), fc.constantFrom('not-a-uuid', '../../etc/passwd', '%2e%2e')),
    junk: fc.constantFrom(
      '/',
      '/api',
      '/api/',
      '/api/queues/',
      '/api//queues',
      '/API/STATUS',
      '/api/status/',
      '/api/eventz',
      '/metricsx',
      '/%2e%2e/%2e%2e/etc/passwd',
    ),
    query,
    auth: token,
    body,
    contentType,
  })
  .map((r): Generated => {
    const q = encodeSegment(r.queue.value, r.rawSegments);
    const j = encodeSegment(r.job.value, r.rawSegments);
    const isRead = r.method === 'GET' || r.method === 'HEAD';
    let path: string;
    let kind: BodyKind | 'anyJson' | 'get' | 'never' = 'never';
    let actionMethod = 'POST';
    let partsValid = r.auth.valid;
    switch (r.route) {
      case 'health':
        path = '/api/health';
        kind = 'get';
        partsValid = true;
        break;
      case 'status':
      case 'queues':
        path = `/api/${r.route}`;
        kind = 'get';
        break;
      case 'queue':
        path = `/api/queues/${q}${r.query.value}`;
        kind = 'get';
        partsValid &&= r.queue.valid && r.query.valid;
        break;
      case 'read':
        path = r.read.value;
        kind = 'get';
        partsValid &&= r.read.valid;
        break;
      case 'events':
        path = '/api/events';
        kind = 'get';
        break;
      case 'other':
        path = r.other.path;
        // GET on the same path is a read of its own.
        kind = isRead && r.other.method === 'PUT' ? 'get' : r.other.takes;
        actionMethod = r.other.method;
        break;
      case 'quarantine':
        path = `/api/problem-assets/${encodeSegment(r.asset, r.rawSegments)}/quarantine`;
        // The same path takes POST (quarantine, no body) and DELETE (release, no body schema).
        kind = r.method === 'DELETE' ? 'anyJson' : 'empty';
        actionMethod = r.method === 'DELETE' ? 'DELETE' : 'POST';
        partsValid &&= UUID.test(r.asset);
        break;
      case 'command':
        path = `/api/queues/${q}/${r.command}`;
        kind = 'empty';
        partsValid &&= r.queue.valid;
        break;
      case 'clearStuck':
        path = `/api/queues/${q}/clear-stuck`;
        kind = 'clearStuck';
        partsValid &&= r.queue.valid;
        break;
      case 'clearJob':
        path = `/api/queues/${q}/jobs/${j}/clear`;
        kind = 'clearJob';
        partsValid &&= r.queue.valid && r.job.valid;
        break;
      case 'clearAll':
        path = '/api/actions/clear-all-stuck';
        kind = 'clearAll';
        break;
      case 'thumbnail':
        // Immich knows none of these ids: never a 2xx.
        path = `/api/assets/${encodeSegment(r.asset, r.rawSegments)}/thumbnail`;
        kind = 'get';
        partsValid = false;
        break;
      case 'metrics':
        path = '/metrics';
        kind = 'get';
        break;
      case 'junk':
        path = r.junk;
        partsValid = false;
    }
    const oversize = r.body.text !== null && Buffer.byteLength(r.body.text) > MAX_BODY_BYTES;
    let valid: boolean;
    if (kind === 'get') valid = isRead && partsValid && !oversize;
    else if (kind === 'never') valid = false;
    else {
      const readable = r.body.text === null || (r.contentType.valid && !oversize && parses(r.body.text));
      const bodyOk = kind === 'anyJson' ? readable : r.body.okFor.includes(kind) && readable;
      valid = r.method === actionMethod && partsValid && bodyOk && !r.auth.read;
    }
    // A valid action would change Redis (or settings, or send alerts): send it with the read-only token (403).
    const auth = valid && kind !== 'get' ? { value: `Bearer ${READ_TOKEN}`, valid: true, read: true } : r.auth;
    if (valid && kind !== 'get') valid = false;
    return { method: r.method, route: r.route, path, auth, body: r.body, contentType: r.contentType, valid };
  });

function toBytes(g: Generated): Buffer {
  const headers = [`${g.method} ${g.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  if (g.auth.value !== null) headers.push(`Authorization: ${g.auth.value}`);
  const payload = g.body.text === null ? null : Buffer.from(g.body.text, 'utf8');
  if (payload) {
    if (g.contentType.value) headers.push(`Content-Type: ${g.contentType.value}`);
    headers.push(`Content-Length: ${payload.length}`);
  }
  // latin1 keeps every generated char a single byte on the wire, so control bytes and high bytes reach the parser.
  return Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'latin1'), payload ?? Buffer.alloc(0)]);
}

const describeRequest = (g: Generated) =>
  `${g.method} ${g.path.slice(0, 200)} auth=${String(g.auth.value).slice(0, 40)} ` +
  `type=${g.contentType.value} body=${String(g.body.text).slice(0, 80)} valid=${g.valid}`;

// ---- Redis, byte for byte ----------------------------------------------------------------------------------

/**
 * DUMP of every key of the queues without workers. Keys with a TTL are left out: they change by themselves
 * (BullMQ's `stalled-check`, left by the worker that made the failed jobs, expires 30 s after it ran).
 */
async function dumpStillQueues(): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  for (const queue of STILL_QUEUES) {
    let cursor = '0';
    do {
      const [next, keys] = await s.h.redis.scan(cursor, 'MATCH', `immich_bull:${queue}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const [bytes, ttl] = await Promise.all([s.h.redis.dumpBuffer(key), s.h.redis.pttl(key)]);
        if (ttl < 0) dump.set(key, bytes ? bytes.toString('base64') : 'gone');
      }
    } while (cursor !== '0');
  }
  return dump;
}

it(`answers ${RUNS} generated bad requests with 4xx and the error shape, 2xx only when valid, Redis untouched`, async () => {
  await addImmichJobs(s.redisServer.url, 'thumbnailGeneration', immichJobsFor('thumbnailGeneration', 400));
  await addImmichJobs(s.redisServer.url, 'notifications', immichJobsFor('notifications', 20));
  const paused = openImmichQueue(s.redisServer.url, 'metadataExtraction');
  await paused.pause();
  await paused.close();
  await addImmichJobs(s.redisServer.url, 'metadataExtraction', immichJobsFor('metadataExtraction', 50));
  await addImmichJobs(
    s.redisServer.url,
    'smartSearch',
    immichJobsFor('smartSearch', 30).map((job, i) => ({
      ...job,
      opts: i % 2 ? { delay: 3_600_000 } : { priority: 5 },
    })),
  );
  const failing = await startWorker({ redisUrl: s.redisServer.url, queue: 'sidecar', behavior: 'fail', durationMs: 1 });
  await addImmichJobs(s.redisServer.url, 'sidecar', immichJobsFor('sidecar', 10));
  await s.h.until(async () => ((await s.h.redis.zcard('immich_bull:sidecar:failed')) === 10 ? true : undefined));
  await failing.close();
  // Dangling ids: stuck at once, and no lock to expire on its own.
  await s.h.redis.lpush('immich_bull:thumbnailGeneration:active', 'ghost-1', 'ghost-2');
  await workOn(s, { queue: WORKED_QUEUE, behavior: 'hang', concurrency: 2 }, immichJobsFor(WORKED_QUEUE, 4), 2);

  const before = await dumpStillQueues();
  expect(before.size).toBeGreaterThan(500);

  const counts = { valid: 0, invalid: 0, byStatus: new Map<number, number>() };
  await fc.assert(
    fc.asyncProperty(request, async (g) => {
      const res = await rawRequest(s.h.bridge.url, toBytes(g), { head: g.method === 'HEAD' });
      counts.byStatus.set(res.status, (counts.byStatus.get(res.status) ?? 0) + 1);
      const what = `${res.status} for ${describeRequest(g)}: ${res.body.slice(0, 200)}`;
      if (g.valid) {
        counts.valid++;
        expect(res.status >= 200 && res.status < 300, what).toBe(true);
        if (g.method === 'GET' && g.route !== 'metrics' && g.route !== 'events')
          expect(() => JSON.parse(res.body), what).not.toThrow();
        return;
      }
      counts.invalid++;
      expect(res.status >= 400 && res.status < 500, what).toBe(true);
      if (g.method !== 'HEAD') {
        const error = (JSON.parse(res.body) as ErrorBody).error;
        expect(typeof error.code === 'string' && typeof error.message === 'string', what).toBe(true);
      }
    }),
    { numRuns: RUNS, endOnFailure: true },
  );

  expect((await fetch(`${s.h.bridge.url}/api/health`)).status).toBe(200);
  const after = await dumpStillQueues();
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key));
  expect(changed).toEqual([]);
  // Enough of each kind to mean something.
  expect(counts.valid).toBeGreaterThan(RUNS / 20);
  expect(counts.invalid).toBeGreaterThan(RUNS / 2);
  console.log(
    `fuzz: ${counts.valid} valid, ${counts.invalid} invalid; statuses`,
    Object.fromEntries([...counts.byStatus].sort(([a], [b]) => a - b)),
  );
});

import { connect } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { ClearAllStuckResponse, ErrorBody, QueuesResponse, StatusResponse } from '@immich-admin-tools/shared';
import { describe, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { ConfigError, loadConfig } from '../src/bridge.ts';
import { errorCode, TOKEN, useStack, workOn } from './harness.ts';
import { rawRequest } from './raw-http.ts';

const READ_TOKEN = 'read-only-token-0123456789';
const s = useStack({ BRIDGE_READ_TOKEN: READ_TOKEN });
const k = (queue: string, suffix: string) => `immich_bull:${queue}:${suffix}`;

const isErrorShape = (body: unknown, code?: string) => {
  const error = (body as ErrorBody | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string' && (!code || error.code === code);
};

/** fetch with the full token and whatever body and headers the test gives, nothing added. */
async function send(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${init.token ?? TOKEN}`);
  const res = await fetch(`${s.h.bridge.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? (JSON.parse(text) as unknown) : null };
}

/** An id in the queue's active list without a job hash: stuck (dangling) at once, no worker needed. */
async function danglingJob(queue: string, jobId: string) {
  await s.h.redis.lpush(k(queue, 'active'), jobId);
  await s.h.until(
    async () => {
      const queues = (await s.h.api<QueuesResponse>('/api/queues')).body.queues;
      return queues.find((q) => q.name === queue)?.stuckJobs.some((j) => j.jobId === jobId) ? true : undefined;
    },
    15_000,
    `dangling ${jobId} in ${queue}`,
  );
}

describe('request bodies', () => {
  it('refuses a JSON body sent as text/plain with 415 and does not act on it with defaults', async () => {
    await danglingJob('sidecar', 'text-plain-1');
    // What fetch sends for a string body without a Content-Type.
    const res = await send('/api/queues/sidecar/jobs/text-plain-1/clear', {
      method: 'POST',
      body: JSON.stringify({ mode: 'remove' }),
    });
    expect(res.status).toBe(415);
    expect(isErrorShape(res.body, 'UNSUPPORTED_MEDIA_TYPE')).toBe(true);
    expect(await s.h.redis.lpos(k('sidecar', 'active'), 'text-plain-1')).not.toBeNull();

    const form = await send('/api/actions/clear-all-stuck', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'mode=remove',
    });
    expect(form.status).toBe(415);
    expect(await s.h.redis.lpos(k('sidecar', 'active'), 'text-plain-1')).not.toBeNull();

    const json = await send('/api/queues/sidecar/jobs/text-plain-1/clear', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ mode: 'remove' }),
    });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ cleared: true, mode: 'remove' });
  });

  it('answers 400 for a body that does not parse, and for unknown fields', async () => {
    for (const body of ['{"mode":', 'nope', '{"mode":"fail"}}', '\u0000', '[]', 'null', '{"mode":"fail","x":1}']) {
      const res = await send('/api/actions/clear-all-stuck', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status, body).toBe(400);
      expect(isErrorShape(res.body, 'BAD_REQUEST'), body).toBe(true);
    }
  });

  it('runs an action without a body, or with an empty one, with its defaults', async () => {
    await addImmichJobs(s.redisServer.url, 'migration', [{ name: 'AssetMigration', data: { id: 'x' } }]);
    await s.h.until(
      async () =>
        (await s.h.api<QueuesResponse>('/api/queues')).body.queues.some((q) => q.name === 'migration')
          ? true
          : undefined,
      15_000,
      'the migration queue',
    );
    expect((await send('/api/queues/migration/failed/retry', { method: 'POST' })).status).toBe(200);
    const emptyJson = await send('/api/queues/migration/failed/clear', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '',
    });
    expect(emptyJson.status).toBe(200);
    expect((await send('/api/queues/migration/failed/retry', { method: 'POST', body: '{"extra":true}' })).status).toBe(
      415,
    );
    const extra = await send('/api/queues/migration/failed/retry', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"extra":true}',
    });
    expect(extra.status).toBe(400);
  });

  it('answers 413 to 1 MB and 10 MB bodies before closing, every time, and keeps serving', async () => {
    for (const size of [16 * 1024 + 1, 1024 * 1024, 10 * 1024 * 1024]) {
      for (let round = 0; round < 3; round++) {
        const res = await send('/api/actions/clear-all-stuck', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.alloc(size, 0x20),
        });
        expect(res.status, `${size} bytes`).toBe(413);
        expect(isErrorShape(res.body, 'PAYLOAD_TOO_LARGE')).toBe(true);
      }
    }
    // Chunked, so no Content-Length to refuse it by: the count while reading does.
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const head =
      `POST /api/actions/clear-all-stuck HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n` +
      'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    const chunked = Buffer.concat([
      Buffer.from(head),
      ...Array.from({ length: 8 }, () =>
        Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
      ),
      Buffer.from('0\r\n\r\n'),
    ]);
    const raw = await rawRequest(s.h.bridge.url, chunked);
    expect(raw.status).toBe(413);
    expect(isErrorShape(JSON.parse(raw.body), 'PAYLOAD_TOO_LARGE')).toBe(true);
    // A client that writes it all before it reads.
    const tenMb = Buffer.alloc(10 * 1024 * 1024, 0x20);
    const whole = await rawRequest(
      s.h.bridge.url,
      Buffer.concat([
        Buffer.from(head.replace('Transfer-Encoding: chunked', `Content-Length: ${tenMb.length}`)),
        tenMb,
      ]),
    );
    expect(whole.status).toBe(413);
    expect((await send('/api/status')).status).toBe(200);
  });

  it('lets a slow client finish sending an oversize body: no reset while it writes', async () => {
    // 1 MB in 64 kB steps, 60 ms apart: about a second, longer than a drain-then-cut would wait.
    const result = await slowUpload(1024 * 1024, 64 * 1024, 60);
    expect(result.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    expect(result.error).toBeNull();
    expect(result.sent).toBe(1024 * 1024);
  });
});

describe('requests the HTTP parser rejects', () => {
  const host = 'Host: 127.0.0.1\r\n';
  const cases: [string, string, number][] = [
    ['control byte in the request line', `GET /api/sta\u0001tus HTTP/1.1\r\n${host}\r\n`, 400],
    ['space in the target', `GET /api/st atus HTTP/1.1\r\n${host}\r\n`, 400],
    ['unknown HTTP version', `GET /api/status HTTP/7.0\r\n${host}\r\n`, 400],
    [
      'Transfer-Encoding that does not end in chunked',
      `POST /api/actions/clear-all-stuck HTTP/1.1\r\n${host}Transfer-Encoding: chunked, gzip\r\n\r\n`,
      400,
    ],
    [
      'both Content-Length and Transfer-Encoding',
      `POST /api/actions/clear-all-stuck HTTP/1.1\r\n${host}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}`,
      400,
    ],
    ['bad chunk size', `POST /api/x HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, 400],
    ['oversize headers', `GET /api/status HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ];
  it.each(cases)('%s: the JSON error shape', async (_, request, status) => {
    const res = await rawRequest(s.h.bridge.url, request);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json');
    expect(isErrorShape(JSON.parse(res.body), 'BAD_REQUEST')).toBe(true);
  });
});

describe('tokens', () => {
  it('the read-only token reads everything and may do nothing, whatever the route', async () => {
    const status = await send('/api/status', { token: READ_TOKEN });
    expect(status.status).toBe(200);
    expect((status.body as StatusResponse).access).toBe('read');
    expect(((await send('/api/status')).body as StatusResponse).access).toBe('full');
    expect((await send('/api/queues', { token: READ_TOKEN })).status).toBe(200);
    expect((await send('/api/queues/sidecar', { token: READ_TOKEN })).status).toBe(200);

    await danglingJob('search', 'read-only-1');
    const attempts: [string, string][] = [
      ['POST', '/api/queues/search/jobs/read-only-1/clear'],
      ['POST', '/api/queues/search/clear-stuck'],
      ['POST', '/api/queues/search/pause'],
      ['POST', '/api/queues/search/failed/clear'],
      ['POST', '/api/actions/clear-all-stuck'],
      // Routes that do not exist (yet): refused by method, before routing.
      ['PUT', '/api/settings'],
      ['DELETE', '/api/queues/search'],
      ['PATCH', '/api/anything'],
    ];
    for (const [method, path] of attempts) {
      const res = await send(path, {
        method,
        token: READ_TOKEN,
        headers: { 'content-type': 'application/json' },
        body: '{"mode":"remove"}',
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(isErrorShape(res.body, 'READ_ONLY_TOKEN')).toBe(true);
    }
    expect(await s.h.redis.lpos(k('search', 'active'), 'read-only-1')).not.toBeNull();
  });

  it('refuses forged, partial and wrong-scheme tokens with 401', async () => {
    const headers = [
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${READ_TOKEN.slice(1)}`,
      `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
      `Token ${TOKEN}`,
      TOKEN,
      'Bearer',
      'Bearer ',
      `Bearer ${TOKEN} ${TOKEN}`,
    ];
    for (const authorization of headers) {
      const res = await fetch(`${s.h.bridge.url}/api/status`, { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(isErrorShape(await res.json(), 'UNAUTHORIZED')).toBe(true);
    }
    expect((await fetch(`${s.h.bridge.url}/api/queues`)).status).toBe(401);
  });

  it('BRIDGE_READ_TOKEN must be long enough and differ from BRIDGE_TOKEN; empty means unset', () => {
    const base = { BRIDGE_TOKEN: TOKEN, DATA_DIR: '/nonexistent' };
    expect(() => loadConfig({ ...base, BRIDGE_READ_TOKEN: TOKEN })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, BRIDGE_READ_TOKEN: 'short' })).toThrow(/BRIDGE_READ_TOKEN/);
    expect(loadConfig({ ...base, BRIDGE_READ_TOKEN: '' }).readToken).toBeNull();
    expect(loadConfig({ ...base, BRIDGE_READ_TOKEN: READ_TOKEN }).readToken).toBe(READ_TOKEN);
  });
});

describe('cached reads', () => {
  it('serves /api/queues with an ETag, 304 for it, and gzip or br when asked', async () => {
    const first = await send('/api/queues');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(Object.keys(first.body as object).sort()).toEqual(['queues', 'snapshotAt', 'stale']);

    const notModified = await send('/api/queues', { headers: { 'if-none-match': etag } });
    // A tick may have changed the snapshot in between: then it is a fresh 200 with a new ETag.
    if (notModified.status === 304) expect(notModified.text).toBe('');
    else expect(notModified.headers.get('etag')).not.toBe(etag);

    // Node's fetch decodes on its own: read the coded bytes through a raw request instead.
    for (const [encoding, decode] of [
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
    ] as const) {
      const raw = await fetchRaw('/api/queues', { 'accept-encoding': encoding });
      expect(raw.headers.get('content-encoding')).toBe(encoding);
      const decoded = JSON.parse(decode(raw.bytes).toString('utf8')) as QueuesResponse;
      expect(decoded.queues.length).toBeGreaterThan(0);
    }
    const identity = await fetchRaw('/api/queues', { 'accept-encoding': 'gzip;q=0, br;q=0' });
    expect(identity.headers.get('content-encoding')).toBeNull();
  });

  it('keeps one ETag per snapshot, a new one for the next, and one per access for /api/status', async () => {
    const read = async () => {
      const res = await send('/api/queues');
      return { etag: res.headers.get('etag'), at: (res.body as QueuesResponse).snapshotAt };
    };
    // Two answers from one snapshot share their ETag; answers from two snapshots do not.
    const pairs = { same: 0, different: 0 };
    while (pairs.same === 0 || pairs.different === 0) {
      const [a, b] = [await read(), await read()];
      if (a.at === b.at) {
        expect(b.etag).toBe(a.etag);
        pairs.same++;
      } else {
        expect(b.etag).not.toBe(a.etag);
        pairs.different++;
      }
      if (pairs.different === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const full = await send('/api/status');
    const readOnly = await send('/api/status', { token: READ_TOKEN });
    expect(full.headers.get('etag')).not.toBe(readOnly.headers.get('etag'));
  });
});

/** Sends a POST with a Content-Length body in paced chunks and reads until the server closes. */
function slowUpload(total: number, chunk: number, gapMs: number) {
  const { port } = new URL(s.h.bridge.url);
  return new Promise<{ statusLine: string; sent: number; error: string | null }>((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    let sent = 0;
    let error: string | null = null;
    socket.on('data', (data) => (received += data.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('close', () => resolve({ statusLine: received.split('\r\n')[0]!, sent, error }));
    socket.write(
      `POST /api/actions/clear-all-stuck HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`,
    );
    const step = () => {
      if (socket.destroyed || sent >= total) return;
      socket.write(Buffer.alloc(chunk, 0x20));
      sent += chunk;
      setTimeout(step, gapMs);
    };
    step();
  });
}

/** A GET whose body is returned still coded (Node's fetch would decode it). */
async function fetchRaw(path: string, headers: Record<string, string>) {
  const { request } = await import('node:http');
  return new Promise<{ headers: Headers; bytes: Buffer }>((resolve, reject) => {
    const req = request(`${s.h.bridge.url}${path}`, { headers: { ...headers, authorization: `Bearer ${TOKEN}` } });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const h = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') h.set(name, value);
        resolve({ headers: h, bytes: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('actions', () => {
  it('retry on a running job answers JOB_RUNNING, as fail and remove do', async () => {
    const {
      ids: [id],
    } = await workOn(s, { queue: 'library', behavior: 'hang' }, [{ name: 'LibraryScanQueueAll', data: {} }], 1);
    await s.h.until(
      async () =>
        (await s.h.api<QueuesResponse>('/api/queues')).body.queues
          .find((q) => q.name === 'library')
          ?.activeJobs.find((j) => j.jobId === id && j.state === 'running'),
      30_000,
      'the running library job',
    );
    for (const mode of ['retry', 'fail', 'remove']) {
      const res = await s.h.api(`/api/queues/library/jobs/${id}/clear`, { method: 'POST', json: { mode } });
      expect(res.status, mode).toBe(409);
      expect(errorCode(res.body), mode).toBe('JOB_RUNNING');
    }
    expect(await s.h.redis.lpos(k('library', 'active'), id!)).not.toBeNull();
  });

  it('clear-all-stuck names the queue of each cleared job, as ids repeat across queues', async () => {
    await danglingJob('editor', '17');
    await danglingJob('ocr', '17');
    const res = await s.h.api<ClearAllStuckResponse>('/api/actions/clear-all-stuck', {
      method: 'POST',
      json: { mode: 'remove' },
    });
    expect(res.status).toBe(200);
    expect(res.body.jobIds.filter((id) => id === '17')).toHaveLength(2);
    expect(res.body.jobs).toEqual(
      expect.arrayContaining([
        { queue: 'editor', jobId: '17', state: 'dangling', mode: 'remove' },
        { queue: 'ocr', jobId: '17', state: 'dangling', mode: 'remove' },
      ]),
    );
    expect(res.body.jobs).toHaveLength(res.body.jobIds.length);
  });
});

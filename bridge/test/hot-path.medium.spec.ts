import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, useStack, workOn } from './harness.ts';

const READ_TOKEN = 'read-token-0123456789abcdef';
/** Set by the transport, not by either path. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A raw GET (no client-side decoding), so compressed bytes are compared as sent. */
function get(url: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
          body: Buffer.concat(chunks),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

const comparable = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !TRANSPORT.has(name)));

describe('the hot path in front of Hono', () => {
  const s = useStack({ BRIDGE_READ_TOKEN: READ_TOKEN });
  /** The hot path alone: what it does not answer gets 599, so each test sees which requests it took. */
  let hotOnly: Server;
  let hotUrl: string;

  beforeAll(async () => {
    // Enough hung jobs for a body over the compression threshold.
    await workOn(
      s,
      { queue: 'thumbnailGeneration', behavior: 'hang', concurrency: 5 },
      Array.from({ length: 5 }, (_, i) => ({ name: 'AssetGenerateThumbnails', data: { id: `asset-${i}` } })),
      5,
    );
    await s.h.until(async () => {
      const { body } = await s.h.api<{ queues: { activeJobs: unknown[] }[] }>('/api/queues');
      return body.queues.some((q) => q.activeJobs.length === 5) ? true : undefined;
    });
    hotOnly = createServer((req, res) => {
      if (!s.h.bridge.hotPath(req, res)) res.writeHead(599).end();
    });
    await new Promise<void>((resolve) => hotOnly.listen(0, '127.0.0.1', resolve));
    hotUrl = `http://127.0.0.1:${(hotOnly.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => hotOnly.close(() => resolve())));

  it.each([
    ['/api/queues', TOKEN, {}],
    ['/api/queues', TOKEN, { 'accept-encoding': 'gzip' }],
    ['/api/queues', READ_TOKEN, { 'accept-encoding': 'br, gzip' }],
    ['/api/status', TOKEN, {}],
    ['/api/status', READ_TOKEN, { 'accept-encoding': 'gzip' }],
  ])('GET %s answers as Hono does (token %#)', async (path, token, extra: Record<string, string>) => {
    const headers = { authorization: `Bearer ${token}`, ...extra };
    // Twice in a row, so a tick between the two reads is retried rather than compared across snapshots.
    for (let attempt = 0; ; attempt++) {
      const hot = await get(hotUrl, path, headers);
      const hono = await s.h.bridge.app.request(path, { headers });
      const honoBody = Buffer.from(await hono.arrayBuffer());
      if (hot.headers.etag !== hono.headers.get('etag') && attempt < 5) continue;
      expect(hot.status).toBe(200);
      expect(hot.status).toBe(hono.status);
      expect(comparable(hot.headers)).toEqual(comparable(Object.fromEntries(hono.headers)));
      expect(hot.body.equals(honoBody)).toBe(true);
      expect(Number(hot.headers['content-length'])).toBe(hot.body.length);
      break;
    }
  });

  it('answers 304 for the ETag the client holds, like Hono', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    for (let attempt = 0; ; attempt++) {
      const first = await get(hotUrl, '/api/queues', headers);
      const again = { ...headers, 'if-none-match': first.headers.etag! };
      const hot = await get(hotUrl, '/api/queues', again);
      const hono = await s.h.bridge.app.request('/api/queues', { headers: again });
      if ((hot.status !== 304 || hono.status !== 304) && attempt < 5) continue;
      expect(hot.status).toBe(304);
      expect(hot.body.length).toBe(0);
      expect(comparable(hot.headers)).toEqual(comparable(Object.fromEntries(hono.headers)));
      break;
    }
  });

  it.each([
    ['no token', '/api/queues', {}],
    ['a wrong token', '/api/queues', { authorization: 'Bearer wrong-token-0123456789' }],
    ['a query string', '/api/queues?x=1', { authorization: `Bearer ${TOKEN}` }],
    ['a trailing slash', '/api/status/', { authorization: `Bearer ${TOKEN}` }],
    ['another route', '/api/history', { authorization: `Bearer ${TOKEN}` }],
    ['a body on the GET', '/api/queues', { authorization: `Bearer ${TOKEN}`, 'content-length': '2' }],
  ])('leaves a request with %s to Hono', async (_what, path, headers: Record<string, string>) => {
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request(`${hotUrl}${path}`, { headers }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject);
      req.end(headers['content-length'] ? '{}' : undefined);
    });
    expect(answer).toBe(599);
  });

  it('sends the 401 in the error shape through the real listener', async () => {
    const answer = await get(s.h.bridge.url, '/api/queues', { authorization: 'Bearer wrong-token-0123456789' });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body.toString()).error.code).toBe('UNAUTHORIZED');
  });
});

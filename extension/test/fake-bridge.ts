/**
 * A real HTTP server on loopback that answers like a bridge (or like something that is not one), for
 * unit tests of the background's error handling. The real bridge is exercised by the e2e tests.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status?: number;
  /** JSON-encoded unless `raw` is set. */
  body?: unknown;
  raw?: string;
  contentType?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeBridge {
  url: string;
  token: string;
  requests: RecordedRequest[];
  /** Sets the answer for `METHOD /path` (query ignored); unknown routes answer the bridge's 404. */
  on(route: string, reply: Reply | ((request: RecordedRequest) => Reply)): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export async function startFakeBridge(token = 'secret-token'): Promise<FakeBridge> {
  const routes = new Map<string, Reply | ((request: RecordedRequest) => Reply)>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const request = {
      method: req.method ?? 'GET',
      path,
      authorization: req.headers.authorization,
      body: await readBody(req),
    };
    requests.push(request);
    let reply: Reply;
    if (req.headers.authorization !== `Bearer ${token}`) {
      reply = { status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'bad token' } } };
    } else {
      const route = routes.get(`${request.method} ${path}`);
      reply =
        typeof route === 'function'
          ? route(request)
          : (route ?? { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no route' } } });
    }
    res.statusCode = reply.status ?? 200;
    res.setHeader('content-type', reply.contentType ?? (reply.raw === undefined ? 'application/json' : 'text/html'));
    res.end(reply.raw ?? JSON.stringify(reply.body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    on: (route, reply) => void routes.set(route, reply),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

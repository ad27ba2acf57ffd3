import { createServer, type IncomingHttpHeaders } from 'node:http';
import { SMTPServer } from 'smtp-server';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
}

/** A local HTTP server standing in for Discord, Slack, ntfy, Gotify and webhooks: it keeps every request. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Requests to one path (query ignored). */
  at(path: string): Received[];
  json<T = Record<string, unknown>>(path: string): T[];
  /** Answers for a path, used in turn; the last one repeats. Unset paths answer 204. */
  reply(path: string, replies: Reply[]): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const replies = new Map<string, Reply[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const list = replies.get(path);
      const reply = list && list.length > 1 ? list.shift()! : (list?.[0] ?? { status: 204 });
      res.writeHead(reply.status, reply.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const at = (path: string) => received.filter((r) => r.path === path);
  return {
    url: `127.0.0.1:${port}`,
    received,
    at,
    json: <T>(path: string) => at(path).map((r) => JSON.parse(r.body) as T),
    reply: (path, list) => replies.set(path, [...list]),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface Mail {
  from: string | undefined;
  to: string[];
  raw: string;
}

/** A local SMTP server that accepts every message (no TLS, no auth). */
export async function startSmtpSink(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

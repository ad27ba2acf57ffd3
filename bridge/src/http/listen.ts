import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { getRequestListener, RequestError, type ServerType } from '@hono/node-server';
import type { ErrorCode } from '@immich-admin-tools/shared';
import { errorBody } from '../errors.ts';
import { MAX_BODY_BYTES } from './body.ts';
import type { HotPath } from './hot-path.ts';

/** A refused oversize body is read and dropped up to this much, so its 413 arrives; past it the socket goes. */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;
/** A whole request (headers and body) must arrive within this; bounds slow and endless uploads. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Node's parser errors, as the API's answer (the socket is closed after it). */
function parserRejection(code: string | undefined): { status: number; code: ErrorCode; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'BAD_REQUEST', message: 'Request headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'BAD_REQUEST', message: 'The request did not arrive in time' };
    default:
      return { status: 400, code: 'BAD_REQUEST', message: 'Malformed HTTP request' };
  }
}

const json = (code: ErrorCode, message: string) => JSON.stringify(errorBody(code, message));
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Node's `clientError`: answers the parser's rejection as JSON where nothing was sent yet, then closes. */
function answerParserError(error: NodeJS.ErrnoException, socket: Socket): void {
  // Never log or echo the raw packet: it would carry the request's Authorization header.
  if (error.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten > 0) return void socket.destroy();
  const rejection = parserRejection(error.code);
  const body = json(rejection.code, rejection.message);
  socket.end(
    `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // Drop whatever else the client sends until it closes, so the answer is not lost to a reset.
  socket.resume();
  setTimeout(() => socket.destroy(), 2000).unref();
}

/**
 * Answers 413 at once and keeps reading (and dropping) the rest of the body, closing only once the client
 * has sent it all: closing with unread bytes would reset the connection, and the client could lose the
 * 413 to an EPIPE while still writing.
 */
function refuseOversize(req: IncomingMessage, res: ServerResponse): void {
  const body = json('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  res.writeHead(413, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.write(body);
  req.on('error', () => {});
  let discarded = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT_BYTES) req.socket.destroy();
  });
  req.on('end', () => res.end());
  req.resume();
}

/**
 * The Node request handler in front of Hono: request bodies are read here, up to MAX_BODY_BYTES, and
 * handed to Hono whole (`rawBody`), so an oversize body is refused before Hono sees it, whatever its
 * framing (Content-Length or chunked). GET and HEAD go straight through, unless they declare an oversize body;
 * the polled GETs may be answered by `hot` without Hono.
 */
function bodyLimitedListener(fetch: Parameters<typeof getRequestListener>[0], hot: HotPath | null) {
  // The adapter refuses some targets before Hono sees them (a backslash in the path, a bad Host): as JSON too.
  const handle = getRequestListener(fetch, {
    errorHandler: (error) =>
      error instanceof RequestError
        ? new Response(json('BAD_REQUEST', error.message), { status: 400, headers: JSON_HEADERS })
        : new Response(json('INTERNAL', 'Internal error; see the bridge log'), { status: 500, headers: JSON_HEADERS }),
  });
  return (req: IncomingMessage, res: ServerResponse) => {
    // Any method, GET too: an oversize body left unread would make the close after the answer a reset.
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return refuseOversize(req, res);
    if (hot?.(req, res)) return;
    if (req.method === 'GET' || req.method === 'HEAD') return void handle(req, res);
    // A client that goes away mid-body: nothing to answer; without a listener the error would throw.
    req.on('error', () => {});
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return refuseOversize(req, res);
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return; // refused above
      Object.assign(req, { rawBody: Buffer.concat(chunks, size) });
      void handle(req, res);
    });
  };
}

/** The port is taken: start-up says so in one line instead of an EADDRINUSE stack trace. */
export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is already in use (another bridge or demo?); stop it or set PORT to a free port`);
  }
}

/**
 * Starts the HTTP server; resolves once it listens, rejects (PortInUseError when taken) if it cannot.
 * Parser rejections (bad request line, bad Transfer-Encoding, oversize headers) get the API's error shape.
 */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  host: string,
  port: number,
  hot: HotPath | null = null,
) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, bodyLimitedListener(fetch, hot));
    server.on('clientError', answerParserError);
    server.once('listening', () => {
      server.off('error', fail);
      resolve(server);
    });
    const fail = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error);
    server.once('error', fail);
    server.listen(port, host);
  });
}

/**
 * Stops accepting, lets requests in flight finish, and after `graceMs` cuts what is still open (SSE streams
 * never end on their own, and would hold shutdown forever).
 */
export async function closeServer(server: ServerType, graceMs = 2000): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const http = server as ServerType & { closeIdleConnections?(): void; closeAllConnections?(): void };
  http.closeIdleConnections?.();
  const timer = setTimeout(() => http.closeAllConnections?.(), graceMs);
  await closed;
  clearTimeout(timer);
}

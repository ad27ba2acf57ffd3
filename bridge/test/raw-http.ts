import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes as they are over a fresh TCP connection (no client library to tidy a malformed request up)
 * and reads the first HTTP response (of an event stream, its headers). `head`: the response has no body (an
 * answer to HEAD). Rejects if the connection fails before a full response arrived.
 */
export function rawRequest(
  url: string,
  request: string | Buffer,
  options: { head?: boolean; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (ended: boolean, error?: Error) => {
      if (done) return;
      const parsed = parseResponse(received, options.head === true, ended);
      if (!parsed && !ended) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (parsed) resolve(parsed);
      else reject(error ?? new Error(`connection closed after ${received.length} bytes`));
    };
    const timer = setTimeout(
      () => finish(true, new Error('no complete response in time')),
      options.timeoutMs ?? 10_000,
    );
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('error', (error) => finish(true, error));
    socket.write(request);
  });
}

/** A complete response (Content-Length framing, or everything up to the close), or null. */
function parseResponse(bytes: Buffer, head: boolean, ended: boolean): RawResponse | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusLine!.split(' ')[1]);
  // An event stream never ends: its headers are the answer.
  if (head || status === 304 || status === 204 || headers['content-type']?.startsWith('text/event-stream')) {
    return { status, headers, body: '' };
  }
  const body = bytes.subarray(end + 4);
  const length = headers['content-length'] === undefined ? null : Number(headers['content-length']);
  if (length === null) return ended ? { status, headers, body: body.toString('utf8') } : null;
  if (body.length < length) return null;
  return { status, headers, body: body.subarray(0, length).toString('utf8') };
}

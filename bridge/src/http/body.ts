import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';

/** Largest request body the API reads; every action body is far smaller. */
export const MAX_BODY_BYTES = 16 * 1024;

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

export const payloadTooLarge = () =>
  new AppError('PAYLOAD_TOO_LARGE', 413, `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);

/** The body's bytes, or null once it passes `max` (the rest is left unread). */
async function readLimited(stream: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | null> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * Reads the body of every request that may carry one, before any route: over the limit is 413; a body that
 * is present must be `application/json` (415 otherwise: `fetch` sends a string as text/plain) and must parse
 * (400). No GET or HEAD pays for any of this. A request without a body means "defaults" (`{}`); a body
 * that was not read can never turn into them.
 */
export function jsonBodies(): MiddlewareHandler {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = Number(c.req.header('content-length'));
    if (declared > MAX_BODY_BYTES) throw payloadTooLarge();
    const bytes = await readLimited(c.req.raw.body, MAX_BODY_BYTES);
    if (bytes === null) throw payloadTooLarge();
    let text = '{}';
    if (bytes.length > 0) {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
      const encoding = c.req.header('content-encoding')?.trim().toLowerCase();
      if (!JSON_TYPE.test(type) || (encoding && encoding !== 'identity')) {
        throw new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          415,
          'Send the body as JSON with Content-Type: application/json (uncompressed)',
        );
      }
      try {
        text = decoder.decode(bytes);
        JSON.parse(text);
      } catch {
        throw new AppError('BAD_REQUEST', 400, 'The body is not valid JSON');
      }
    }
    // The validators read the body again from here: an absent one reads as `{}`, whatever its type.
    c.req.raw = new Request(c.req.raw, { body: text });
    return next();
  };
}

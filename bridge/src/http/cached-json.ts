import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context } from 'hono';

type Encoding = 'br' | 'gzip';

const encoder = new TextEncoder();

/** Below this a compressed body saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 1024;

/** One JSON answer serialised once, with its ETag; each compressed form is made on its first ask, then kept. */
export class JsonRepresentation {
  readonly etag: string;
  private readonly compressed: Partial<Record<Encoding, Uint8Array<ArrayBuffer>>> = {};

  constructor(readonly identity: Uint8Array<ArrayBuffer>) {
    this.etag = `W/"${createHash('sha1').update(identity).digest('base64url')}"`;
  }

  encoded(encoding: Encoding): Uint8Array<ArrayBuffer> {
    return (this.compressed[encoding] ??= new Uint8Array(
      encoding === 'br'
        ? brotliCompressSync(this.identity, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 5,
              [constants.BROTLI_PARAM_SIZE_HINT]: this.identity.length,
            },
          })
        : gzipSync(this.identity),
    ));
  }
}

/**
 * The latest answer of one GET route, rebuilt only when a part of its key changes (the snapshot object,
 * stale, ...): polling clients then cost no `JSON.stringify`, no hashing and no compression per request.
 */
export class JsonCache {
  private key: readonly unknown[] = [];
  private current: JsonRepresentation | null = null;

  get(key: readonly unknown[], build: () => unknown): JsonRepresentation {
    if (!this.current || key.length !== this.key.length || key.some((part, i) => part !== this.key[i])) {
      this.current = new JsonRepresentation(encoder.encode(JSON.stringify(build())));
      this.key = key;
    }
    return this.current;
  }
}

/** Weak comparison (RFC 9110 §13.1.2): the ETag is the same for every content coding of the body. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.slice(2);
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || (t.startsWith('W/') ? t.slice(2) : t) === opaque;
  });
}

/** The coding to send for an Accept-Encoding header: br, then gzip, honouring q=0 and `*`. */
export function pickEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  const q: Record<string, number> = {};
  for (const part of header.split(',')) {
    const [name, ...params] = part.split(';');
    const weight = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = weight ? Number(weight.slice(2)) : 1;
    q[name!.trim().toLowerCase()] = Number.isFinite(value) ? value : 0;
  }
  const weightOf = (encoding: Encoding) => q[encoding] ?? q['*'] ?? 0;
  const br = weightOf('br');
  const gzip = weightOf('gzip');
  if (br > 0 && br >= gzip) return 'br';
  return gzip > 0 ? 'gzip' : null;
}

/** What to send for a cached representation: 304 when the client holds it, compressed when the client asks. */
export function negotiate(
  representation: JsonRepresentation,
  ifNoneMatch: string | undefined,
  acceptEncoding: string | undefined,
): { status: 200 | 304; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> | null } {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    etag: representation.etag,
    vary: 'Accept-Encoding',
    'cache-control': 'private, no-cache',
  };
  if (matchesEtag(ifNoneMatch, representation.etag)) return { status: 304, headers, body: null };
  const encoding = representation.identity.length >= MIN_COMPRESS_BYTES ? pickEncoding(acceptEncoding) : null;
  if (!encoding) return { status: 200, headers, body: representation.identity };
  headers['content-encoding'] = encoding;
  return { status: 200, headers, body: representation.encoded(encoding) };
}

/** Sends a cached representation from a Hono route. */
export function sendCached(c: Context, representation: JsonRepresentation): Response {
  const answer = negotiate(representation, c.req.header('if-none-match'), c.req.header('accept-encoding'));
  return answer.body ? c.body(answer.body, 200, answer.headers) : c.body(null, 304, answer.headers);
}

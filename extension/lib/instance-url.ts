/** Pure URL helpers for instances: normalising what users paste, permission patterns, Immich page links. */

export type UrlCheck = { ok: true; url: string } | { ok: false; error: string };

function parse(input: string): URL | string {
  const text = input.trim();
  if (!text) return 'Enter a URL.';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return 'Start the URL with http:// or https://.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'This is not a valid URL.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Only http:// and https:// URLs work.';
  if (url.username || url.password) return 'Leave user name and password out of the URL.';
  if (url.search || url.hash) return 'Remove the ?query or #fragment from the URL.';
  return url;
}

/**
 * Immich serves from the root of its origin, so any path (a pasted /admin/queues, /photos, /api)
 * is dropped: https://photos.example.com.
 */
export function normaliseImmichUrl(input: string): UrlCheck {
  const url = parse(input);
  return typeof url === 'string' ? { ok: false, error: url } : { ok: true, url: url.origin };
}

/**
 * The bridge may sit behind a reverse proxy under a path prefix, which is kept; a trailing /api
 * or slash is not (the client adds /api/...).
 */
export function normaliseBridgeUrl(input: string): UrlCheck {
  const url = parse(input);
  if (typeof url === 'string') return { ok: false, error: url };
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  if (/\/api\//.test(`${path}/`) || /\/\//.test(path)) {
    return { ok: false, error: 'Give the bridge base URL, without an /api/... path.' };
  }
  return { ok: true, url: `${url.origin}${path}` };
}

/** Match pattern for a URL's host: match patterns carry no port (http://host:2285 → http://host/*). */
export function originPattern(url: string): string {
  const { protocol, hostname } = new URL(url);
  return `${protocol}//${hostname}/*`;
}

/** Immich's Jobs page (/admin/queues), or one queue's detail page. */
export function jobsPageUrl(immichUrl: string, slug?: string): string {
  return `${immichUrl}/admin/queues${slug ? `/${encodeURIComponent(slug)}` : ''}`;
}

/** Whether an instance has a bridge; without one the extension uses Immich's own API. */
export const hasBridge = (instance: { bridgeUrl: string }): boolean => instance.bridgeUrl !== '';

/** The origins an instance needs host access to (Immich's, and its bridge's if it has one), without duplicates. */
export function instanceOrigins(instance: { immichUrl: string; bridgeUrl: string }): string[] {
  const urls = hasBridge(instance) ? [instance.immichUrl, instance.bridgeUrl] : [instance.immichUrl];
  return [...new Set(urls.map(originPattern))];
}

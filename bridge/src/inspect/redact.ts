import { SENSITIVE_JOB_NAMES } from '@immich-admin-tools/shared';

export const REDACTED = '[redacted]';

/** Keys whose values are secrets wherever they appear in job data, options or results. */
const SECRET_KEY =
  /pass(word|wd|phrase)?|secret|token|api[-_]?key|authori[sz]ation|cookie|credential|private[-_]?key|session/i;

/** Secret-looking values inside free text: auth headers, JWTs, credentials in URLs. */
const SECRET_VALUES: [RegExp, string][] = [
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
];

export interface Redacted<T> {
  value: T;
  redacted: boolean;
}

/** Replaces secret-keyed values and secret-looking strings, at any depth. */
export function redactValue(value: unknown): Redacted<unknown> {
  let redacted = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const text = redactText(v);
      redacted ||= text.redacted;
      return text.value;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) {
        if (SECRET_KEY.test(key) && item !== null && item !== '') {
          out[key] = REDACTED;
          redacted = true;
        } else out[key] = walk(item);
      }
      return out;
    }
    return v;
  };
  return { value: walk(value), redacted };
}

/** A string, or JSON held in one (job data, opts, return values): redacted inside, kept as text. */
export function redactText(text: string): Redacted<string> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      const result = redactValue(parsed);
      return result.redacted
        ? { value: JSON.stringify(result.value), redacted: true }
        : { value: text, redacted: false };
    } catch {
      // Not JSON after all: treat it as free text.
    }
  }
  let value = text;
  for (const [pattern, replacement] of SECRET_VALUES) value = value.replace(pattern, replacement);
  return { value, redacted: value !== text };
}

/**
 * A job hash as shown: mail jobs (SENSITIVE_JOB_NAMES) lose their data and return value entirely, since they
 * carry addresses and SMTP settings; every other field is redacted for secrets.
 */
export function redactJobHash(hash: Record<string, string>): { hash: Record<string, string>; redacted: string[] } {
  const sensitive = hash.name !== undefined && SENSITIVE_JOB_NAMES.has(hash.name);
  const out: Record<string, string> = {};
  const redacted: string[] = [];
  for (const [field, value] of Object.entries(hash)) {
    if (sensitive && (field === 'data' || field === 'returnvalue')) {
      out[field] = `${REDACTED} (${hash.name} data is never shown)`;
      redacted.push(field);
      continue;
    }
    const text = redactText(value);
    out[field] = text.value;
    if (text.redacted) redacted.push(field);
  }
  return { hash: out, redacted };
}

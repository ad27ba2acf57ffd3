/**
 * The content script's logger: prefixed, and each distinct problem logged once per page load so a
 * failure that repeats every tick never floods Immich's console.
 */
const PREFIX = '[Immich Admin Tools]';
const logged = new Set<string>();

export const logger = {
  warnOnce(key: string, ...args: unknown[]): void {
    if (logged.has(key)) return;
    logged.add(key);
    console.warn(PREFIX, ...args);
  },
  errorOnce(key: string, ...args: unknown[]): void {
    if (logged.has(key)) return;
    logged.add(key);
    console.error(PREFIX, ...args);
  },
};

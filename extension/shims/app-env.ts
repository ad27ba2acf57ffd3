/** Stand-in for SvelteKit's `$app/env` / `$app/environment`, which @immich/ui imports. */
export const browser = typeof window !== 'undefined';
export const dev = false;
export const building = false;
export const version = '';

/** Stand-in for SvelteKit's `$app/navigation`: extension pages are plain documents. */
export function goto(url: string | URL): Promise<void> {
  location.assign(String(url));
  return Promise.resolve();
}

export function afterNavigate(): void {}
export function beforeNavigate(): void {}
export function onNavigate(): void {}
export function invalidate(): Promise<void> {
  return Promise.resolve();
}
export function invalidateAll(): Promise<void> {
  return Promise.resolve();
}

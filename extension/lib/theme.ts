/** Extension pages follow the browser's colour scheme through @immich/ui's `.dark` class. */
export function followColorScheme(root: HTMLElement = document.documentElement): () => void {
  const query = matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    root.classList.toggle('dark', query.matches);
    root.classList.toggle('light', !query.matches);
  };
  apply();
  query.addEventListener('change', apply);
  return () => query.removeEventListener('change', apply);
}

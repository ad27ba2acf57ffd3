/** The HTML shell of the imitation Jobs page: Immich's frame (top bar, sidebar, main) with an empty app root. */

export interface JobsPageConfig {
  layout: 'queues' | 'legacy';
  queues: { name: string; title: string; slug: string }[];
  /** Queue names that get a card, in page order. */
  cards: string[];
  /** Immich up to v2.4: card titles are the raw strings, upper-cased by CSS (`span.uppercase`). */
  uppercaseTitles: boolean;
  pollMs: number;
}

const escapeJson = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');

export function pageShell(config: JobsPageConfig, files: { script: string; styles: string }): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Job Queues - Immich</title>
    <link rel="stylesheet" href="${files.styles}" />
    <script>
      // Immich applies its stored theme before first paint.
      try {
        const theme = JSON.parse(localStorage.getItem('color-theme') || '{}');
        if (theme.value === 'dark') document.documentElement.classList.add('dark');
      } catch {}
    </script>
  </head>
  <body>
    <div style="display: contents">
      <header class="topbar">
        <a class="logo" href="/photos">immich</a>
        <div class="search">Search your photos</div>
        <button type="button" class="theme-toggle" aria-label="Toggle theme" data-sim-theme-toggle>◐</button>
      </header>
      <div class="frame">
        <nav class="sidebar">
          <a href="/admin/users">Users</a>
          <a href="/admin/queues" class="active">Job Queues</a>
          <a href="/admin/system-settings">Settings</a>
        </nav>
        <main id="sim-main"></main>
      </div>
    </div>
    <script id="sim-config" type="application/json">${escapeJson(config)}</script>
    <script type="module" src="${files.script}"></script>
  </body>
</html>
`;
}

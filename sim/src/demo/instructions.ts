export interface DemoInstance {
  name: string;
  immichUrl: string;
  bridgeUrl: string;
  token: string;
}

/** How to load the extension by hand and point it at the demo (no display, or no --open). */
export function loadInstructions(demo: DemoInstance): string[] {
  return [
    'Load the extension:',
    '  1. pnpm build (in the repo root)',
    '  2. Chrome: chrome://extensions, Developer mode on, "Load unpacked", pick .output/chrome-mv3',
    '     Firefox: about:debugging#/runtime/this-firefox, "Load Temporary Add-on", pick .output/firefox-mv2/manifest.json',
    "  3. Open the extension's Options and add an instance:",
    `       Immich URL ${demo.immichUrl}   Bridge URL ${demo.bridgeUrl}   Token ${demo.token}`,
    `  4. Open ${demo.immichUrl}/admin/queues: the dangling duplicate detection and the orphaned smart search are`,
    '     stuck at once; the two hung face detections turn stuck when they pass their 20 s threshold.',
    'Where a display is available, `pnpm demo --open` does all of this in Chromium.',
  ];
}

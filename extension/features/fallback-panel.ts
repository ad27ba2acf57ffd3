/**
 * A floating panel with the same content when Immich's queue cards cannot be found: a layout this
 * version does not know, or the pre-2.4 `/admin/jobs-status` page whose tiles had no links.
 */
import { QUEUE_LINK_SELECTOR } from '../lib/immich-page.ts';
import { mountShadowPanel, type ShadowPanel } from '../lib/mount.ts';
import { observe } from '../lib/observe.ts';
import type { Feature } from './feature.ts';
import FloatingPanel from './FloatingPanel.svelte';

/** Immich loads its queues before it renders cards; give it this long. */
export const FALLBACK_DELAY_MS = 2500;

export const fallbackPanel: Feature = {
  id: 'fallback-panel',
  include: (page) => page.kind === 'queues' || page.kind === 'legacy-jobs',
  init(signal, { state, contain }) {
    let panel: ShadowPanel | null = null;
    observe(QUEUE_LINK_SELECTOR, {
      signal,
      missingAfterMs: FALLBACK_DELAY_MS,
      onMissing: contain(() => {
        panel ??= mountShadowPanel({
          id: 'fallback-panel',
          signal,
          component: FloatingPanel,
          props: { jobs: state },
          place: (host) => document.body.append(host),
        });
      }),
      onChange: contain((links: readonly Element[]) => {
        if (links.length === 0 || !panel) return;
        // The cards showed up after all: their own panels take over.
        panel.remove();
        panel = null;
      }),
    });
  },
};

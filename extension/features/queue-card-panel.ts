/**
 * One panel per queue card on /admin/queues, found by the card's `a[href="/admin/queues/<slug>"]`.
 * Re-attaches when Immich re-creates a card and never leaves two panels in one card.
 */
import { findPanelSlot, findQueueCards, QUEUE_LINK_SELECTOR } from '../lib/immich-page.ts';
import { HOST_ATTR, mountShadowPanel, type ShadowPanel } from '../lib/mount.ts';
import { observe } from '../lib/observe.ts';
import type { Feature } from './feature.ts';
import QueueCardPanel from './QueueCardPanel.svelte';

const ID = 'queue-card';

export const queueCardPanel: Feature = {
  id: ID,
  include: (page) => page.kind === 'queues',
  init(signal, { state, contain }) {
    state.sparklines.start(signal);
    const panels = new Map<string, { card: HTMLElement; panel: ShadowPanel }>();
    observe(QUEUE_LINK_SELECTOR, {
      signal,
      onChange: contain(() => {
        const present = new Set<string>();
        for (const { slug, queue, card, link } of findQueueCards(document)) {
          present.add(slug);
          const current = panels.get(slug);
          if (current && current.card === card && current.panel.host.isConnected) continue;
          current?.panel.remove();
          // Hosts left by an earlier copy of this script (extension reloaded) would double the panel.
          card.querySelectorAll(`[${HOST_ATTR}="${ID}"]`).forEach((stale) => stale.remove());
          const slot = findPanelSlot(card, link);
          // The link's own (translated) text names the panel for screen readers.
          const title = link.textContent?.trim() || queue;
          const panel = mountShadowPanel({
            id: ID,
            attributes: { [`${HOST_ATTR}-slug`]: slug },
            signal,
            component: QueueCardPanel,
            props: { jobs: state, queueName: queue, title },
            place: (host) => slot.append(host),
          });
          panels.set(slug, { card, panel });
        }
        for (const [slug, entry] of panels) {
          if (present.has(slug)) continue;
          entry.panel.remove();
          panels.delete(slug);
        }
      }),
    });
  },
};

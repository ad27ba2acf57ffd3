/** The summary bar above Immich's queue cards on /admin/queues. */
import { findCardsContainer, findQueueCards, QUEUE_LINK_SELECTOR } from '../lib/immich-page.ts';
import { mountShadowPanel, type ShadowPanel } from '../lib/mount.ts';
import { observe } from '../lib/observe.ts';
import type { Feature } from './feature.ts';
import SummaryBar from './SummaryBar.svelte';

export const summaryBar: Feature = {
  id: 'summary-bar',
  include: (page) => page.kind === 'queues',
  init(signal, { state, contain }) {
    let panel: ShadowPanel | null = null;
    let container: HTMLElement | null = null;
    observe(QUEUE_LINK_SELECTOR, {
      signal,
      onChange: contain(() => {
        const next = findCardsContainer(findQueueCards(document).map((entry) => entry.card));
        if (next === container && panel?.host.isConnected) return;
        panel?.remove();
        panel = null;
        container = next;
        if (!next) return;
        // A sibling before the cards' container: outside every Svelte block of Immich's page.
        panel = mountShadowPanel({
          id: 'summary-bar',
          signal,
          component: SummaryBar,
          props: { jobs: state, class: 'mt-6' },
          place: (host) => next.before(host),
        });
      }),
    });
  },
};

/**
 * The full active/failed job table on /admin/queues/<slug>, below Immich's own content. Details are
 * fetched every 2 s while the tab is visible; without the page's heading the table floats instead.
 */
import { findDetailContainer } from '../lib/immich-page.ts';
import { mountShadowPanel, type ShadowPanel } from '../lib/mount.ts';
import { observe } from '../lib/observe.ts';
import type { Feature } from './feature.ts';
import QueueDetailTable from './QueueDetailTable.svelte';

const DETAIL_POLL_MS = 2000;
const ANCHOR_WAIT_MS = 3000;
const FLOATING_STYLE =
  'position:fixed;bottom:16px;right:16px;z-index:1000;max-height:80vh;overflow:auto;width:min(56rem,calc(100vw - 32px))';

export const queueDetail: Feature = {
  id: 'queue-detail',
  include: (page) => page.kind === 'queue-detail',
  init(signal, { page, state, contain }) {
    if (page.kind !== 'queue-detail') return;
    const props = { jobs: state, queueName: page.queue };
    let panel: ShadowPanel | null = null;
    let container: HTMLElement | null = null;
    const mountIn = (place: (host: HTMLElement) => void) =>
      mountShadowPanel({ id: 'queue-detail', signal, component: QueueDetailTable, props, place });

    observe('h1', {
      signal,
      missingAfterMs: ANCHOR_WAIT_MS,
      onMissing: contain(() => {
        panel ??= mountIn((host) => {
          host.setAttribute('style', FLOATING_STYLE);
          document.body.append(host);
        });
      }),
      onChange: contain(() => {
        const next = findDetailContainer(document);
        if (!next || (next === container && panel?.host.isConnected)) return;
        panel?.remove();
        container = next;
        panel = mountIn((host) => next.append(host));
      }),
    });

    const load = contain(() => {
      if (document.visibilityState === 'visible') void state.loadDetail(page.queue);
    });
    const timer = setInterval(load, DETAIL_POLL_MS);
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
    load();
  },
};

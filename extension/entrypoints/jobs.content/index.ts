/**
 * The jobs-page content script, registered at run time for each configured Immich origin. It runs on
 * every page of that origin (Immich is an SPA) and starts the features of the page it is on, again on
 * each SvelteKit navigation; leaving the Jobs pages tears every panel down.
 */
import './style.css';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { FEATURES } from '../../features/index.ts';
import { startFeatures } from '../../features/feature.ts';
import { parseImmichPage } from '../../lib/immich-page.ts';
import { logger } from '../../lib/log-once.ts';
import { sendMessage } from '../../lib/messaging.ts';
import { JobsPageState, type Send } from '../../lib/state/jobs-page.svelte.ts';
import { startLiveFeed } from './live-feed.ts';

/** Set on <html> while a copy of this script runs, so a second injection stays idle. */
const LOADED_ATTR = 'data-iat-loaded';

export default defineContentScript({
  registration: 'runtime',
  cssInjectionMode: 'ui',
  main(ctx) {
    const html = document.documentElement;
    if (html.hasAttribute(LOADED_ATTR)) return;
    html.setAttribute(LOADED_ATTR, '');
    ctx.onInvalidated(() => html.removeAttribute(LOADED_ATTR));

    try {
      const state = new JobsPageState(sendMessage as Send);
      let stopLive: (() => void) | null = null;
      let pageScope: AbortController | null = null;

      const enter = (url: string | URL) => {
        pageScope?.abort();
        pageScope = null;
        const page = parseImmichPage(url);
        if (page.kind === 'other') {
          stopLive?.();
          stopLive = null;
          return;
        }
        pageScope = new AbortController();
        startFeatures(FEATURES, { page, state }, pageScope.signal);
        if (state.looked) stopLive ??= startLiveFeed(ctx, state);
      };

      ctx.addEventListener(window, 'wxt:locationchange', ({ newUrl }) => enter(newUrl));
      ctx.onInvalidated(() => {
        pageScope?.abort();
        stopLive?.();
      });
      enter(location.href);

      void sendMessage('findInstanceByOrigin', { origin: location.origin })
        .then((instance) => {
          state.setInstance(instance);
          if (instance && pageScope) stopLive ??= startLiveFeed(ctx, state);
        })
        .catch((error: unknown) => {
          state.setInstance(null);
          logger.errorOnce('instance', 'could not ask the background for this Immich', error);
        });
    } catch (error) {
      logger.errorOnce('start', 'the jobs-page script could not start', error);
    }
  },
});

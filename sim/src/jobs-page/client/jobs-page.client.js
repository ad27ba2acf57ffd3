// @ts-check
/**
 * Client of the imitation Jobs page. Reproduces what a content script meets on Immich's own page:
 * an SPA that changes routes with pushState, renders queue cards with two `a[href="/admin/queues/<slug>"]`
 * links each and no ids, refreshes counts every 3 s like Svelte does (text nodes in place, `{#if}` blocks
 * created and destroyed), and re-creates all cards when the page is entered again.
 */
import { renderDetail, renderLegacy, renderList, renderPhoto } from './jobs-page.views.js';

/** @typedef {{ name: string; title: string; slug: string }} QueueMeta */
/** @typedef {{ active: number; completed: number; failed: number; delayed: number; waiting: number; paused: number }} Stats */
/** @typedef {{ name: string; isPaused: boolean; statistics: Stats }} QueueDto */
/** @typedef {{ update(queues: Map<string, QueueDto>): void; destroy?(): void }} View */

const configElement = /** @type {HTMLElement} */ (document.getElementById('sim-config'));
/** @type {{ layout: 'queues' | 'legacy'; queues: QueueMeta[]; cards: string[]; uppercaseTitles: boolean; pollMs: number }} */
const config = JSON.parse(configElement.textContent ?? '{}');
const main = /** @type {HTMLElement} */ (document.getElementById('sim-main'));
const bySlug = new Map(config.queues.map((queue) => [queue.slug, queue]));

/** @type {Map<string, QueueDto>} */
let queues = new Map();
/** @type {View | null} */
let view = null;
let loaded = false;

/**
 * GET /api/queues (v2.4+), or the legacy GET /api/jobs a pre-2.4 server has instead. Same-origin, so the
 * admin's session cookie goes along, as on Immich's own page. @returns {Promise<QueueDto[]>}
 */
async function fetchQueues() {
  const response = await fetch('/api/queues');
  if (response.ok) return response.json();
  if (response.status !== 404) throw new Error(`GET /api/queues answered ${response.status}`);
  const legacy = await fetch('/api/jobs');
  if (!legacy.ok) throw new Error(`GET /api/jobs answered ${legacy.status}`);
  /** @type {Record<string, { jobCounts: QueueDto['statistics']; queueStatus: { isPaused: boolean } }>} */
  const byName = await legacy.json();
  return Object.entries(byName).map(([name, status]) => ({
    name,
    isPaused: status.queueStatus.isPaused,
    statistics: status.jobCounts,
  }));
}

async function poll() {
  try {
    const list = await fetchQueues();
    queues = new Map(list.map((queue) => [queue.name, queue]));
    if (!loaded) {
      loaded = true;
      route();
    } else view?.update(queues);
  } catch (error) {
    console.warn('[sim jobs page]', error);
  }
}

function route() {
  view?.destroy?.();
  view = null;
  main.replaceChildren();
  // Like SvelteKit's load(): nothing renders until the first GET /api/queues answered.
  if (!loaded) return;
  const path = location.pathname.replace(/\/+$/, '');
  const detail = /^\/admin\/queues\/([a-z0-9-]+)$/.exec(path);
  const photo = /^\/photos\/([^/]+)$/.exec(path);
  if (config.layout === 'legacy' && (path === '/admin/queues' || path === '/admin/jobs-status')) {
    view = renderLegacy(main, config.queues, config.cards);
  } else if (path === '/admin/queues') {
    view = renderList(main, config.queues, config.cards, { uppercaseTitles: config.uppercaseTitles });
  } else if (detail) {
    const queue = bySlug.get(detail[1] ?? '');
    if (!queue) return navigate('/admin/queues', true);
    view = renderDetail(main, queue);
  } else if (photo) {
    view = renderPhoto(main, decodeURIComponent(photo[1] ?? ''));
  }
  view?.update(queues);
}

/** @param {string} url @param {boolean} [replace] */
function navigate(url, replace = false) {
  if (replace) history.replaceState({}, '', url);
  else history.pushState({}, '', url);
  route();
}

// SvelteKit's router: same-origin links in the light DOM navigate without a reload.
document.addEventListener('click', (event) => {
  const target = /** @type {Element | null} */ (event.target);
  const link = target?.closest?.('a');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  if (link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  if (url.href !== location.href) navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => route());

document.querySelector('[data-sim-theme-toggle]')?.addEventListener('click', () => {
  const dark = document.documentElement.classList.toggle('dark');
  localStorage.setItem('color-theme', JSON.stringify({ value: dark ? 'dark' : 'light', system: false }));
});

/** Hooks for tests: re-create every card (as a remount does), navigate like a link click. */
Object.assign(window, {
  __sim: {
    rerender: () => route(),
    navigate: (/** @type {string} */ url) => navigate(url),
    poll,
  },
});

void poll();
setInterval(() => void poll(), config.pollMs);

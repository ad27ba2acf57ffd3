// @ts-check
/**
 * The imitation page's views. Markup follows the structure of Immich v3.1's QueueCard (card root
 * `div.rounded-2xl`, title row with the two queue links, counters, button column) and its detail page;
 * the legacy view follows the pre-2.4 JobTile, which had no links.
 */

/** @typedef {import('./jobs-page.client.js').QueueMeta} QueueMeta */
/** @typedef {import('./jobs-page.client.js').QueueDto} QueueDto */
/** @typedef {import('./jobs-page.client.js').View} View */

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string)[]} children
 */
function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A text node updated in place, as Svelte does with `{expression}`. */
function text(initial = '') {
  const node = document.createTextNode(initial);
  return {
    node,
    /** @param {string} value */ set: (value) => void (node.nodeValue !== value && (node.nodeValue = value)),
  };
}

/**
 * An `{#if}` block: its node is created when the condition turns true and removed when it turns false.
 * @param {Node} anchor comment the block renders before
 * @param {() => Element} create
 */
function ifBlock(anchor, create) {
  /** @type {Element | null} */
  let node = null;
  return {
    /** @param {boolean} show */
    set(show) {
      if (show && !node) anchor.parentNode?.insertBefore((node = create()), anchor);
      if (!show && node) {
        node.remove();
        node = null;
      }
    },
  };
}

const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');
const IDLE_BUTTONS = /** @type {Record<string, string[]>} */ ({
  library: ['Rescan'],
  sidecar: ['Sync', 'Discover'],
  faceDetection: ['Reset', 'Refresh', 'Missing'],
  facialRecognition: ['Reset', 'Missing'],
  storageTemplateMigration: ['Start'],
  migration: ['Start'],
});

/** @param {QueueMeta} queue @param {boolean} uppercaseTitle */
function createCard(queue, uppercaseTitle) {
  const href = `/admin/queues/${queue.slug}`;
  const stripAnchor = document.createComment('');
  const badgesAnchor = document.createComment('');
  const active = text('0');
  const waiting = text('0');
  const stripText = text();
  const failedText = text();
  const strip = ifBlock(stripAnchor, () => h('div', { class: 'strip w-full p-2 text-center text-sm' }, stripText.node));
  const failed = ifBlock(badgesAnchor, () =>
    h('span', { class: 'badge' }, failedText.node, h('button', { type: 'button', 'aria-label': 'Clear message' }, '×')),
  );
  const buttons = h('div', { class: 'buttons flex w-full flex-row overflow-hidden sm:w-32 sm:flex-col' });
  let buttonKey = '';

  const root = h(
    'div',
    { class: 'card flex flex-col overflow-hidden rounded-2xl bg-gray-100 sm:flex-row' },
    h(
      'div',
      { class: 'flex w-full flex-col' },
      stripAnchor,
      h(
        'div',
        { class: 'card-body flex flex-col gap-2 p-5' },
        h(
          'div',
          { class: 'title-row flex items-center gap-2 text-xl font-semibold text-primary' },
          h(
            'a',
            { href, class: 'title-link', draggable: 'false' },
            h('span', { class: 'icon' }, '▣'),
            ' ',
            h('span', uppercaseTitle ? { class: 'uppercase' } : {}, queue.title),
          ),
          h('a', { href, class: 'icon-link', 'aria-label': 'View Details', tabindex: '0' }, '⌁'),
          h('div', { class: 'flex gap-2' }, badgesAnchor),
        ),
        h('div', { class: 'text-sm subtitle' }, `Runs the ${queue.title.toLowerCase()} jobs of the simulated Immich.`),
        h(
          'div',
          { class: 'counters mt-2 flex w-full max-w-md flex-col sm:flex-row' },
          h(
            'div',
            { class: 'counter counter-active' },
            h('p', {}, 'Active'),
            h('p', { class: 'text-2xl' }, active.node),
          ),
          h(
            'div',
            { class: 'counter counter-waiting' },
            h('p', { class: 'text-2xl' }, waiting.node),
            h('p', {}, 'Waiting'),
          ),
        ),
      ),
    ),
    buttons,
  );

  /** @param {QueueDto | undefined} dto */
  const update = (dto) => {
    const s = dto?.statistics ?? { active: 0, completed: 0, failed: 0, delayed: 0, waiting: 0, paused: 0 };
    const shownWaiting = s.waiting + s.paused + s.delayed;
    active.set(fmt(s.active));
    waiting.set(fmt(shownWaiting));
    strip.set(Boolean(dto?.isPaused) || s.active > 0);
    stripText.set(dto?.isPaused ? 'Paused' : 'Active');
    failed.set(s.failed > 0);
    failedText.set(`${fmt(s.failed)} failed `);
    const idle = s.active + s.waiting === 0 && !dto?.isPaused;
    const labels = idle
      ? (IDLE_BUTTONS[queue.name] ?? ['All', 'Missing'])
      : [...(s.waiting > 0 ? ['Clear'] : []), dto?.isPaused ? 'Resume' : 'Pause'];
    if (labels.join() !== buttonKey) {
      buttonKey = labels.join();
      buttons.replaceChildren(
        ...labels.map((label) => h('button', { type: 'button', class: 'card-button' }, h('span', {}, label))),
      );
    }
  };
  return { root, update };
}

/**
 * /admin/queues: header plus one card per queue of `cardNames`; `uppercaseTitles` as on Immich up to v2.4.
 * @param {HTMLElement} main @param {QueueMeta[]} all @param {string[]} cardNames
 * @param {{ uppercaseTitles?: boolean }} [options] @returns {View}
 */
export function renderList(main, all, cardNames, options = {}) {
  const cards = cardNames
    .flatMap((name) => all.filter((queue) => queue.name === name))
    .map((queue) => ({ queue, ...createCard(queue, options.uppercaseTitles ?? false) }));
  main.append(
    h(
      'div',
      { class: 'page-header' },
      h('span', {}, 'Job Queues'),
      h('span', { class: 'header-actions' }, '+ Create job   ⚙ Manage Concurrency'),
    ),
    h(
      'section',
      { class: 'page-container' },
      h('div', { class: 'cards mt-10 flex flex-col gap-7' }, ...cards.map((card) => card.root)),
    ),
  );
  return { update: (queues) => cards.forEach((card) => card.update(queues.get(card.queue.name))) };
}

/**
 * /admin/queues/<slug>: breadcrumb, heading, count chips and a "Jobs over time" card.
 * @param {HTMLElement} main @param {QueueMeta} queue @returns {View}
 */
export function renderDetail(main, queue) {
  const chipsAnchor = document.createComment('');
  const active = text();
  const waiting = text();
  const failedText = text();
  const failed = ifBlock(chipsAnchor, () => h('span', { class: 'chip chip-danger' }, failedText.node));
  /** @type {number[]} */
  const history = [];
  const graph = h('div', { class: 'graph' });
  main.append(
    h(
      'div',
      { class: 'page-header' },
      h('span', {}, h('a', { href: '/admin/queues' }, 'Job Queues'), ` / ${queue.title}`),
      h('span', { class: 'header-actions' }, 'Pause   Clear   Remove failed jobs'),
    ),
    h(
      'section',
      { class: 'page-container detail' },
      h('div', { class: 'mb-1 mt-4 flex items-center gap-2' }, h('h1', {}, queue.title)),
      h('p', { class: 'muted' }, `Runs the ${queue.title.toLowerCase()} jobs of the simulated Immich.`),
      h(
        'div',
        { class: 'flex gap-1 mb-4' },
        h('span', { class: 'chip' }, active.node),
        h('span', { class: 'chip' }, waiting.node),
        chipsAnchor,
      ),
      h(
        'div',
        { class: 'mt-8' },
        h('div', { class: 'chart-card' }, h('div', { class: 'chart-title' }, '◷ Jobs over time'), graph),
      ),
    ),
  );
  return {
    update(queues) {
      const s = queues.get(queue.name)?.statistics;
      if (!s) return;
      active.set(`Active: ${fmt(s.active)}`);
      waiting.set(`Waiting: ${fmt(s.waiting)}`);
      failed.set(s.failed > 0);
      failedText.set(`Failed: ${fmt(s.failed)}`);
      history.push(s.active + s.waiting);
      if (history.length > 30) history.shift();
      graph.replaceChildren(
        ...history.map((n) => h('span', { class: 'bar', style: `height:${Math.min(100, 4 + n * 4)}px` })),
      );
    },
  };
}

/** @param {HTMLElement} main @param {string} assetId @returns {View} */
export function renderPhoto(main, assetId) {
  main.append(
    h(
      'div',
      { class: 'photo-viewer' },
      h('a', { href: '/admin/queues', class: 'close' }, '← Back'),
      h('img', { alt: `Asset ${assetId}`, src: `/api/assets/${encodeURIComponent(assetId)}/thumbnail?size=preview` }),
      h('p', { class: 'asset-id' }, `Asset ${assetId}`),
    ),
  );
  return { update: () => {} };
}

/**
 * The pre-2.4 page (JobsPanel/JobTile): upper-case titles in spans, counts, buttons; no links.
 * @param {HTMLElement} main @param {QueueMeta[]} all @param {string[]} cardNames @returns {View}
 */
export function renderLegacy(main, all, cardNames) {
  const tiles = cardNames
    .flatMap((name) => all.filter((queue) => queue.name === name))
    .map((queue) => {
      const active = text('0');
      const waiting = text('0');
      const root = h(
        'div',
        { class: 'tile flex rounded-3xl bg-gray-100' },
        h(
          'div',
          { class: 'tile-body p-5' },
          h('span', { class: 'uppercase tile-title' }, queue.title),
          h(
            'div',
            { class: 'counters flex' },
            h('p', {}, 'Active ', active.node),
            h('p', {}, 'Waiting ', waiting.node),
          ),
        ),
        h('div', { class: 'buttons' }, h('button', { type: 'button', class: 'card-button' }, 'Start')),
      );
      return { queue, root, active, waiting };
    });
  main.append(
    h('div', { class: 'page-header' }, 'Jobs'),
    h(
      'section',
      { class: 'page-container' },
      h('div', { class: 'mt-10 flex flex-col gap-7' }, ...tiles.map((tile) => tile.root)),
    ),
  );
  return {
    update(queues) {
      for (const tile of tiles) {
        const s = queues.get(tile.queue.name)?.statistics;
        tile.active.set(fmt(s?.active ?? 0));
        tile.waiting.set(fmt((s?.waiting ?? 0) + (s?.paused ?? 0) + (s?.delayed ?? 0)));
      }
    },
  };
}

/**
 * Pure facts about Immich's Jobs pages: which route we are on, and where a queue card, its panel
 * slot and the detail heading are. Anchors are link hrefs, never translated text; Tailwind classes
 * are tried first and a class-free walk backs them up, since classes are no stable API.
 */
import { queueBySlug } from '@immich-admin-tools/shared';

export const QUEUES_PATH = '/admin/queues';
/** The Jobs page before Immich v2.4 (a redirect to QUEUES_PATH since). */
export const LEGACY_JOBS_PATH = '/admin/jobs-status';
/** Each card's title and "View Details" links; the trailing slash leaves out the sidebar's own link. */
export const QUEUE_LINK_SELECTOR = 'a[href^="/admin/queues/"]';

export type ImmichPage =
  | { kind: 'queues' }
  | { kind: 'queue-detail'; slug: string; queue: string }
  | { kind: 'legacy-jobs' }
  | { kind: 'other' };

const trimSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

export function parseImmichPage(url: URL | string): ImmichPage {
  const path = trimSlash(new URL(String(url), 'http://x').pathname);
  if (path === QUEUES_PATH) return { kind: 'queues' };
  if (path === LEGACY_JOBS_PATH) return { kind: 'legacy-jobs' };
  const slug = slugFromHref(path);
  if (slug) return { kind: 'queue-detail', slug, queue: queueNameForSlug(slug) };
  return { kind: 'other' };
}

export const isQueuesPage = (url: URL | string) => parseImmichPage(url).kind === 'queues';
export const isQueueDetailPage = (url: URL | string) => parseImmichPage(url).kind === 'queue-detail';
export const isLegacyJobsPage = (url: URL | string) => parseImmichPage(url).kind === 'legacy-jobs';
/** Any page where Immich lists its queues and our UI belongs. */
export const isJobsPage = (url: URL | string) => parseImmichPage(url).kind !== 'other';

/** `/admin/queues/face-detection` (raw attribute, query or hash allowed) → `face-detection`. */
export function slugFromHref(href: string | null): string | null {
  if (!href) return null;
  const path = href.replace(/^[a-z]+:\/\/[^/]+/i, '').split(/[?#]/)[0] ?? '';
  const match = /^\/admin\/queues\/([a-z0-9-]+)\/?$/.exec(path);
  return match?.[1] ?? null;
}

/** Queue name for a page slug; a slug the catalogue lacks (newer Immich) is camel-cased back, as Immich does. */
export function queueNameForSlug(slug: string): string {
  return queueBySlug(slug)?.name ?? slug.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Queue links of the page grouped by slug, in page order. */
export function findQueueLinks(root: ParentNode): Map<string, HTMLAnchorElement[]> {
  const bySlug = new Map<string, HTMLAnchorElement[]>();
  for (const link of root.querySelectorAll<HTMLAnchorElement>(QUEUE_LINK_SELECTOR)) {
    const slug = slugFromHref(link.getAttribute('href'));
    if (!slug) continue;
    const links = bySlug.get(slug);
    if (links) links.push(link);
    else bySlug.set(slug, [link]);
  }
  return bySlug;
}

function holdsOtherQueue(element: Element, slug: string): boolean {
  for (const link of element.querySelectorAll(QUEUE_LINK_SELECTOR)) {
    if (slugFromHref(link.getAttribute('href')) !== slug) return true;
  }
  return false;
}

/**
 * The card a queue link belongs to: the nearest `div.rounded-2xl` (Immich 2.4–3.2), else the largest
 * ancestor that holds links of this queue only.
 */
export function findCardRoot(link: HTMLAnchorElement): HTMLElement | null {
  const byClass = link.closest<HTMLElement>('div.rounded-2xl');
  if (byClass) return byClass;
  const slug = slugFromHref(link.getAttribute('href'));
  if (!slug) return null;
  let node: HTMLElement = link;
  while (node.parentElement && node.parentElement !== node.ownerDocument.body) {
    if (holdsOtherQueue(node.parentElement, slug)) return node === link ? null : node;
    node = node.parentElement;
  }
  return null;
}

export interface QueueCard {
  slug: string;
  queue: string;
  card: HTMLElement;
  /** The card's first queue link (its title). */
  link: HTMLAnchorElement;
}

/** One entry per queue card on the list page, in page order; links without a findable card are skipped. */
export function findQueueCards(root: ParentNode): QueueCard[] {
  const cards: QueueCard[] = [];
  for (const [slug, links] of findQueueLinks(root)) {
    const link = links[0]!;
    const card = findCardRoot(link);
    if (card) cards.push({ slug, queue: queueNameForSlug(slug), card, link });
  }
  return cards;
}

/**
 * Where a card's panel host goes: the column that holds the title row (it spans the card's text
 * width and shrinks with it on narrow screens), or the card itself.
 */
export function findPanelSlot(card: HTMLElement, link: HTMLAnchorElement): HTMLElement {
  const column = link.parentElement?.parentElement;
  return column && column !== card && card.contains(column) ? column : card;
}

/** The element that holds all cards (their common parent), for the summary bar to sit above. */
export function findCardsContainer(cards: readonly HTMLElement[]): HTMLElement | null {
  const first = cards[0]?.parentElement;
  if (!first) return null;
  return cards.every((card) => card.parentElement === first) ? first : null;
}

/** The detail page's content container: the parent of the block holding its `h1`. */
export function findDetailContainer(root: ParentNode): HTMLElement | null {
  const heading = root.querySelector<HTMLElement>('main h1, h1');
  const block = heading?.parentElement;
  const container = block?.parentElement;
  return container && container.tagName !== 'BODY' ? container : null;
}

/** Immich marks dark mode with `html.dark` (its theme manager; `.light` wins when both are set). */
export function isDarkPage(doc: Document): boolean {
  const classes = doc.documentElement.classList;
  return classes.contains('dark') && !classes.contains('light');
}

/** Link to an asset in Immich's own web UI. */
export const assetHref = (assetId: string) => `/photos/${encodeURIComponent(assetId)}`;

/** Link to a person (PersonGenerateThumbnail jobs) in Immich's web UI. */
export const personHref = (personId: string) => `/people/${encodeURIComponent(personId)}`;

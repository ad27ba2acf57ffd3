/**
 * The timeline: history rows of one instance under filters that live in the URL (so a range can be
 * shared), paged with the bridge's cursor, with thumbnails through the bridge and exports from it.
 */
import { HISTORY_EVENTS, type HistoryEventName, type HistoryItem } from '@immich-admin-tools/shared';
import type { BridgeError, ExportedFile, HistoryQuery } from '../messaging.ts';
import { ask, type Send } from './insights.svelte.ts';

export const TIMELINE_PAGE_SIZE = 50;

/** `?limit=` of the page URL (1–1000, the bridge's maximum), else the default page size. */
export function pageSizeFromUrl(url: URL): number {
  const limit = Number(url.searchParams.get('limit'));
  return Number.isInteger(limit) && limit >= 1 && limit <= 1000 ? limit : TIMELINE_PAGE_SIZE;
}

/** The filters a user sets; empty strings mean "any". Times are ISO strings. */
export interface TimelineFilters {
  queue: string;
  event: HistoryEventName | '';
  assetId: string;
  jobId: string;
  since: string;
  until: string;
}

const FILTER_KEYS = [
  'queue',
  'event',
  'assetId',
  'jobId',
  'since',
  'until',
] as const satisfies readonly (keyof TimelineFilters)[];

export const emptyFilters = (): TimelineFilters => ({
  queue: '',
  event: '',
  assetId: '',
  jobId: '',
  since: '',
  until: '',
});

/** Filters from a page URL; unknown event names and unparsable times are dropped. */
export function filtersFromUrl(url: URL): TimelineFilters {
  const filters = emptyFilters();
  for (const key of FILTER_KEYS) {
    const value = url.searchParams.get(key)?.trim() ?? '';
    if (key === 'event')
      filters.event = (HISTORY_EVENTS as readonly string[]).includes(value) ? (value as HistoryEventName) : '';
    else if ((key === 'since' || key === 'until') && value && Number.isNaN(Date.parse(value))) continue;
    else filters[key] = value;
  }
  return filters;
}

/** Writes the filters into `url`'s query (others kept), leaving out the empty ones. */
export function filtersToUrl(filters: TimelineFilters, url: URL): URL {
  // A throwaway copy, not state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const next = new URL(url);
  for (const key of FILTER_KEYS) {
    if (filters[key]) next.searchParams.set(key, filters[key]);
    else next.searchParams.delete(key);
  }
  return next;
}

const iso = (time: string) => new Date(Date.parse(time)).toISOString();

/** The bridge query of these filters. */
export function historyQuery(filters: TimelineFilters): HistoryQuery {
  const query: HistoryQuery = {};
  if (filters.queue) query.queue = filters.queue;
  if (filters.event) query.event = filters.event;
  if (filters.assetId) query.assetId = filters.assetId;
  if (filters.jobId) query.jobId = filters.jobId;
  if (filters.since) query.since = iso(filters.since);
  if (filters.until) query.until = iso(filters.until);
  return query;
}

/** "Last hour/day/week/month" presets: an absolute since, so the shared link shows the same rows. */
export const TIME_PRESETS = [
  { label: 'Last hour', ms: 3600_000 },
  { label: 'Last 24 h', ms: 24 * 3600_000 },
  { label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  { label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
] as const;

export class TimelineState {
  filters = $state<TimelineFilters>(emptyFilters());
  items = $state.raw<HistoryItem[]>([]);
  nextBefore = $state<number | null>(null);
  loading = $state(false);
  loadingMore = $state(false);
  error = $state.raw<BridgeError | null>(null);
  exporting = $state<'csv' | 'ndjson' | null>(null);
  exportError = $state.raw<BridgeError | null>(null);
  #send: Send;
  #instanceId: () => string | null;
  /** Drops answers of a query that was replaced while in flight. */
  #generation = 0;

  #pageSize: number;

  constructor(
    send: Send,
    instanceId: () => string | null,
    filters: TimelineFilters = emptyFilters(),
    pageSize = TIMELINE_PAGE_SIZE,
  ) {
    this.#send = send;
    this.#instanceId = instanceId;
    this.filters = filters;
    this.#pageSize = pageSize;
  }

  /** Loads the first page of the current filters. */
  async load(): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId) return;
    const generation = ++this.#generation;
    this.loading = true;
    this.error = null;
    const query = { ...historyQuery(this.filters), limit: this.#pageSize };
    const result = await ask(() => this.#send('getHistory', { instanceId, ...query }));
    if (generation !== this.#generation) return;
    this.loading = false;
    if (!result.ok) {
      this.error = result.error;
      this.items = [];
      this.nextBefore = null;
      return;
    }
    this.items = result.data.items;
    this.nextBefore = result.data.nextBefore;
  }

  /** Appends the next (older) page. */
  async loadMore(): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId || this.nextBefore === null || this.loadingMore) return;
    const generation = this.#generation;
    this.loadingMore = true;
    const query = { ...historyQuery(this.filters), limit: this.#pageSize, before: this.nextBefore };
    const result = await ask(() => this.#send('getHistory', { instanceId, ...query }));
    this.loadingMore = false;
    if (generation !== this.#generation) return;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.items = [...this.items, ...result.data.items];
    this.nextBefore = result.data.nextBefore;
  }

  setFilters(filters: Partial<TimelineFilters>): Promise<void> {
    this.filters = { ...this.filters, ...filters };
    return this.load();
  }

  /** The bridge's export of the filtered range (all pages); null when it failed (see exportError). */
  async export(format: 'csv' | 'ndjson'): Promise<ExportedFile | null> {
    const instanceId = this.#instanceId();
    if (!instanceId || this.exporting) return null;
    this.exporting = format;
    this.exportError = null;
    const result = await ask(() => this.#send('exportHistory', { instanceId, format, ...historyQuery(this.filters) }));
    this.exporting = null;
    if (result.ok) return result.data;
    this.exportError = result.error;
    return null;
  }
}

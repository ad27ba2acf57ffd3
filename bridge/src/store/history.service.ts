import type { HistoryItem, HistoryResponse } from '@immich-admin-tools/shared';
import type { Logger } from '../logger.ts';
import type { HistoryFilter, NewHistoryRow } from './history.repository.ts';
import type { Store } from './store.ts';

export type { HistoryFilter, NewHistoryRow } from './history.repository.ts';

type Listener = (item: HistoryItem) => void;

const EXPORT_CHUNK = 1000;

/**
 * The bridge's memory of events. Writes are synchronous SQLite transactions: when `record` returns, the rows
 * are committed, so an action can answer only after its row is safe. Listeners (SSE, alerts, metrics) hear
 * each row after its commit.
 */
export class HistoryService {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  record(rows: NewHistoryRow | NewHistoryRow[]): HistoryItem[] {
    const list = Array.isArray(rows) ? rows : [rows];
    if (list.length === 0) return [];
    const items = this.store.transaction(() => this.store.history.insert(list, Date.now()));
    this.emit(items);
    return items;
  }

  /**
   * Runs `work` in one transaction with a `record` that joins it; the rows are told to listeners only after
   * the commit. A tick's rows, buckets and cursors are written this way, all or nothing.
   */
  transaction<T>(work: (record: (rows: NewHistoryRow[]) => void) => T): T {
    const items: HistoryItem[] = [];
    const result = this.store.transaction(() =>
      work((rows) => {
        items.push(...this.store.history.insert(rows, Date.now()));
      }),
    );
    this.emit(items);
    return result;
  }

  onRow(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  page(filter: HistoryFilter, limit: number): HistoryResponse {
    const rows = this.store.history.page(filter, limit + 1);
    const items = rows.slice(0, limit);
    return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.id : null };
  }

  /** Every row of the filter, newest first, read in keyset chunks so a large range never sits in memory. */
  *iterate(filter: HistoryFilter): Generator<HistoryItem[]> {
    let before = filter.before;
    for (;;) {
      const chunk = this.store.history.page({ ...filter, before }, EXPORT_CHUNK);
      if (chunk.length === 0) return;
      yield chunk;
      if (chunk.length < EXPORT_CHUNK) return;
      before = chunk[chunk.length - 1]!.id;
    }
  }

  private emit(items: HistoryItem[]): void {
    for (const item of items) {
      for (const listener of this.listeners) {
        try {
          listener(item);
        } catch (error) {
          // One failing listener must not keep the others (or the writer) from going on.
          this.logger.error({ err: String(error), event: item.event }, 'history listener failed');
        }
      }
    }
  }
}

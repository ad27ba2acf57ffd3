import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { STORE_FILE, StoreError } from './database.ts';
import { HistoryService } from './history.service.ts';
import { MIGRATIONS } from './migrations.ts';
import { Retention } from './retention.ts';
import { Store } from './store.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'iat-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const silent = pino({ level: 'silent' });

describe('Store', () => {
  it('creates the file in WAL mode with every schema version applied, and opens it again as it is', () => {
    const dir = tempDir();
    const store = Store.open(dir);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    new HistoryService(store, silent).record({ event: 'bridge_started', actor: 'bridge' });
    store.close();
    const again = Store.open(dir);
    expect(again.history.count({})).toBe(1);
    again.close();
  });

  it('refuses a file that is not a database with one line naming it, and leaves the file alone', () => {
    const dir = tempDir();
    const file = join(dir, STORE_FILE);
    writeFileSync(file, 'this is not SQLite '.repeat(500));
    const error = (() => {
      try {
        Store.open(dir);
      } catch (e) {
        return e;
      }
    })() as Error;
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toContain(file);
    expect(error.message).not.toContain('\n');
    expect(readFileSync(file, 'utf8')).toBe('this is not SQLite '.repeat(500));
  });

  it('refuses a store written by a newer bridge', () => {
    const dir = tempDir();
    const store = Store.open(dir);
    store.db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    store.close();
    expect(() => Store.open(dir)).toThrow(/newer bridge/);
  });

  it('writes a row with a dedup key once, and tells listeners only of rows it committed', () => {
    const store = Store.open(tempDir());
    const history = new HistoryService(store, silent);
    const heard: string[] = [];
    history.onRow((item) => heard.push(item.event));
    const row = {
      event: 'stuck_job_detected',
      actor: 'bridge',
      queue: 'ocr',
      jobId: '7',
      dedupKey: 'detected:ocr:7:1',
    } as const;
    expect(history.record(row)).toHaveLength(1);
    expect(history.record(row)).toHaveLength(0);
    expect(() =>
      history.transaction((record) => {
        record([{ event: 'job_failed', actor: 'immich' }]);
        throw new Error('tick failed halfway');
      }),
    ).toThrow('halfway');
    expect(heard).toEqual(['stuck_job_detected']);
    expect(store.history.count({})).toBe(1);
    store.close();
  });

  it('prunes past the retention in batches: history and hour buckets by the period, minute buckets after 48 h', async () => {
    const store = Store.open(tempDir());
    const now = Date.UTC(2026, 11, 1);
    const day = 24 * 3600_000;
    const history = new HistoryService(store, silent);
    history.record(
      Array.from({ length: 1200 }, (_, i) => ({
        event: 'job_failed' as const,
        actor: 'immich' as const,
        at: now - 40 * day + i,
      })),
    );
    history.record({ event: 'job_failed', actor: 'immich', at: now - day });
    const delta = (t: number) => ({
      queue: 'q',
      jobName: '',
      t,
      completed: 1,
      failed: 0,
      durCount: 0,
      durSum: 0,
      durMax: 0,
      lost: 0,
    });
    store.transaction(() => store.stats.add([delta(now - 3 * day), delta(now - 40 * day), delta(now - 400 * day)]));
    const removed = await new Retention(store, 30, silent).prune(now);
    expect(store.history.count({})).toBe(1);
    const count = (table: string) => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect(count('stats_minute')).toBe(0);
    expect(count('stats_hour')).toBe(1);
    expect(count('stats_day')).toBe(2);
    expect(removed).toBe(1200 + 3 + 2 + 1);
    store.close();
  });
});

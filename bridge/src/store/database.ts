import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

/** The store cannot be opened: start-up stops with this one line, naming the file. */
export class StoreError extends Error {}

export const STORE_FILE = 'bridge.sqlite';

/**
 * Opens (or creates) the bridge's SQLite file in WAL mode and applies pending schema versions.
 * A file that is not a database, or is damaged, is never recreated: the admin decides (docs: delete it to start over).
 */
export function openDatabase(file: string): Db {
  const path = resolve(file);
  let db: Db | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    // WAL with NORMAL sync is durable across process crashes (SIGKILL); only a power cut may lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 2000');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(String(check));
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StoreError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(
      `cannot open the history store ${path} (${reason}); fix or move the file away to start over with an empty history`,
    );
  }
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new StoreError(
      `the history store was written by a newer bridge (schema ${current}, this one knows ${MIGRATIONS.length}); update the bridge`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

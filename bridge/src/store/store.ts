import { join } from 'node:path';
import { openDatabase, STORE_FILE, type Db } from './database.ts';
import { HistoryRepository } from './history.repository.ts';
import { SettingsRepository } from './settings.repository.ts';
import { StateRepository } from './state.repository.ts';
import { StatsRepository } from './stats.repository.ts';

/** The bridge's SQLite file and its repositories; one connection, so one writer. */
export class Store {
  readonly history: HistoryRepository;
  readonly stats: StatsRepository;
  readonly state: StateRepository;
  readonly settings: SettingsRepository;

  private constructor(readonly db: Db) {
    this.history = new HistoryRepository(db);
    this.stats = new StatsRepository(db);
    this.state = new StateRepository(db);
    this.settings = new SettingsRepository(db);
  }

  static open(dataDir: string): Store {
    return new Store(openDatabase(join(dataDir, STORE_FILE)));
  }

  /** Runs `work` in one transaction: all of it is committed on return, or none of it. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

import type { Db } from '../store/database.ts';

/** The queues import mode paused itself (table `import_mode_held`): what it gives back, across restarts. */
export class ImportModeRepository {
  private readonly add;
  private readonly drop;
  private readonly list;

  constructor(db: Db) {
    this.add = db.prepare('INSERT OR IGNORE INTO import_mode_held (queue, at) VALUES (?, ?)');
    this.drop = db.prepare('DELETE FROM import_mode_held WHERE queue = ?');
    this.list = db.prepare('SELECT queue FROM import_mode_held ORDER BY queue').pluck();
  }

  held(): Set<string> {
    return new Set(this.list.all() as string[]);
  }

  hold(queue: string, at: number): void {
    this.add.run(queue, at);
  }

  release(queue: string): void {
    this.drop.run(queue);
  }
}

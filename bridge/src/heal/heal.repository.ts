import type { Db } from '../store/database.ts';

/** Long enough to span any retry loop; a job id this old is not the same work any more. */
const KEEP_MS = 7 * 24 * 60 * 60_000;

/** Orphans auto-heal already sent back to wait (table `heal_retried`): the second time they are failed. */
export class HealRepository {
  private readonly has;
  private readonly add;
  private readonly prune;

  constructor(db: Db) {
    this.has = db.prepare('SELECT 1 FROM heal_retried WHERE queue = ? AND job_id = ?').pluck();
    this.add = db.prepare('INSERT OR REPLACE INTO heal_retried (queue, job_id, at) VALUES (?, ?, ?)');
    this.prune = db.prepare('DELETE FROM heal_retried WHERE at < ?');
  }

  wasRetried(queue: string, jobId: string): boolean {
    return this.has.get(queue, jobId) !== undefined;
  }

  markRetried(queue: string, jobId: string, at: number): void {
    this.add.run(queue, jobId, at);
    this.prune.run(at - KEEP_MS);
  }
}

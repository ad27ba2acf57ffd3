import type { QueueCondition, StuckState } from '@immich-admin-tools/shared';
import type { Db } from './database.ts';

export interface StreamCursor {
  queue: string;
  lastId: string;
  markAdded: number | null;
  readSinceMark: number;
}

export interface OpenStuck {
  queue: string;
  jobId: string;
  processedOn: number;
  jobName: string | null;
  assetId: string | null;
  assetPath: string | null;
  state: StuckState;
  detectedAt: number;
}

export interface OpenCondition {
  queue: string;
  condition: QueueCondition;
  since: number;
}

/** What the loops must remember across restarts: stream cursors, open stuck runs, conditions in force. */
export class StateRepository {
  private readonly saveCursor;
  private readonly addStuck;
  private readonly dropStuck;
  private readonly addCondition;
  private readonly dropCondition;

  constructor(private readonly db: Db) {
    this.saveCursor = db.prepare(`
      INSERT INTO stream_cursor (queue, last_id, mark_added, read_since_mark) VALUES (@queue, @lastId, @markAdded, @readSinceMark)
      ON CONFLICT (queue) DO UPDATE SET last_id = excluded.last_id, mark_added = excluded.mark_added,
        read_since_mark = excluded.read_since_mark`);
    this.addStuck = db.prepare(`
      INSERT OR IGNORE INTO open_stuck (queue, job_id, processed_on, job_name, asset_id, asset_path, state, detected_at)
      VALUES (@queue, @jobId, @processedOn, @jobName, @assetId, @assetPath, @state, @detectedAt)`);
    this.dropStuck = db.prepare('DELETE FROM open_stuck WHERE queue = ? AND job_id = ? AND processed_on = ?');
    this.addCondition = db.prepare(
      'INSERT OR IGNORE INTO open_condition (queue, condition, since) VALUES (@queue, @condition, @since)',
    );
    this.dropCondition = db.prepare('DELETE FROM open_condition WHERE queue = ? AND condition = ?');
  }

  cursors(): StreamCursor[] {
    return this.db
      .prepare(
        'SELECT queue, last_id AS lastId, mark_added AS markAdded, read_since_mark AS readSinceMark FROM stream_cursor',
      )
      .all() as StreamCursor[];
  }

  saveCursors(cursors: Iterable<StreamCursor>): void {
    for (const cursor of cursors) this.saveCursor.run(cursor);
  }

  openStuck(): OpenStuck[] {
    return this.db
      .prepare(
        `SELECT queue, job_id AS jobId, processed_on AS processedOn, job_name AS jobName, asset_id AS assetId,
           asset_path AS assetPath, state, detected_at AS detectedAt FROM open_stuck`,
      )
      .all() as OpenStuck[];
  }

  openStuckRun(run: OpenStuck): void {
    this.addStuck.run(run);
  }

  closeStuckRun(queue: string, jobId: string, processedOn: number): boolean {
    return this.dropStuck.run(queue, jobId, processedOn).changes > 0;
  }

  openConditions(): OpenCondition[] {
    return this.db.prepare('SELECT queue, condition, since FROM open_condition').all() as OpenCondition[];
  }

  openCondition(condition: OpenCondition): void {
    this.addCondition.run(condition);
  }

  closeCondition(queue: string, condition: QueueCondition): void {
    this.dropCondition.run(queue, condition);
  }
}

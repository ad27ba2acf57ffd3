import type { ProblemAssetSort } from '@immich-admin-tools/shared';
import type { Db } from '../store/database.ts';

export interface ProblemRow {
  assetId: string;
  assetPath: string | null;
  timesStuck: number;
  timesFailed: number;
  queues: string[];
  jobNames: string[];
  lastError: string | null;
  firstSeen: number;
  lastSeen: number;
  quarantined: boolean;
}

export interface Problem {
  assetId: string;
  assetPath: string | null;
  kind: 'stuck' | 'failed';
  queue: string | null;
  jobName: string | null;
  error: string | null;
  at: number;
  /** Stuck while many jobs of its queue were (an outage, not a bad file): tracked, but it never quarantines. */
  systemic?: boolean;
}

interface Row {
  asset_id: string;
  asset_path: string | null;
  times_stuck: number;
  times_failed: number;
  queues: string;
  job_names: string;
  last_error: string | null;
  first_seen: number;
  last_seen: number;
  quarantined: number;
}

const COLUMN: Record<ProblemAssetSort, string> = {
  lastSeen: 'last_seen',
  timesStuck: 'times_stuck',
  timesFailed: 'times_failed',
};

const toRow = (r: Row): ProblemRow => ({
  assetId: r.asset_id,
  assetPath: r.asset_path,
  timesStuck: r.times_stuck,
  timesFailed: r.times_failed,
  queues: JSON.parse(r.queues) as string[],
  jobNames: JSON.parse(r.job_names) as string[],
  lastError: r.last_error,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  quarantined: r.quarantined === 1,
});

/** Why each list stays short: a few queues and job names per asset at most, kept sorted. */
const withValue = (list: string, value: string | null) => {
  const values = JSON.parse(list) as string[];
  if (value && !values.includes(value)) values.push(value);
  return JSON.stringify(values.sort());
};

/** The `problem_asset` table: one row per asset whose jobs got stuck or failed. */
export class ProblemAssetRepository {
  private readonly getRow;
  private readonly insertRow;
  private readonly updateRow;
  private readonly setFlag;

  constructor(private readonly db: Db) {
    this.getRow = db.prepare('SELECT * FROM problem_asset WHERE asset_id = ?');
    this.insertRow = db.prepare(`
      INSERT INTO problem_asset (asset_id, asset_path, times_stuck, times_failed, queues, job_names, last_error,
        first_seen, last_seen, quarantined)
      VALUES (@assetId, @assetPath, @stuck, @failed, @queues, @jobNames, @error, @at, @at, @quarantined)`);
    this.updateRow = db.prepare(`
      UPDATE problem_asset SET asset_path = COALESCE(@assetPath, asset_path), times_stuck = times_stuck + @stuck,
        times_failed = times_failed + @failed, queues = @queues, job_names = @jobNames,
        last_error = COALESCE(@error, last_error), last_seen = MAX(last_seen, @at)
      WHERE asset_id = @assetId`);
    this.setFlag = db.prepare('UPDATE problem_asset SET quarantined = ? WHERE asset_id = ?');
  }

  get(assetId: string): ProblemRow | null {
    const row = this.getRow.get(assetId) as Row | undefined;
    return row ? toRow(row) : null;
  }

  /** Counts problems in one transaction (a tick can fail thousands of jobs); answers each asset's row after. */
  addAll(problems: Problem[]): ProblemRow[] {
    return this.db.transaction(() => {
      const ids = new Set(problems.map((problem) => this.add(problem).assetId));
      return [...ids].map((id) => this.get(id)!);
    })();
  }

  /** Counts one problem of an asset and returns its row after. */
  add(problem: Problem): ProblemRow {
    return this.db.transaction(() => {
      const existing = this.getRow.get(problem.assetId) as Row | undefined;
      const params = {
        assetId: problem.assetId,
        assetPath: problem.assetPath,
        stuck: problem.kind === 'stuck' ? 1 : 0,
        failed: problem.kind === 'failed' ? 1 : 0,
        queues: withValue(existing?.queues ?? '[]', problem.queue),
        jobNames: withValue(existing?.job_names ?? '[]', problem.jobName),
        error: problem.error,
        at: problem.at,
        quarantined: 0,
      };
      if (existing) this.updateRow.run(params);
      else this.insertRow.run(params);
      return this.get(problem.assetId)!;
    })();
  }

  /** Sets the flag; an asset quarantined before any problem was seen gets a row of its own. True when it changed. */
  setQuarantined(assetId: string, quarantined: boolean, at: number): boolean {
    return this.db.transaction(() => {
      const existing = this.get(assetId);
      if (existing?.quarantined === quarantined) return false;
      if (existing) this.setFlag.run(quarantined ? 1 : 0, assetId);
      else if (quarantined) {
        this.insertRow.run({
          assetId,
          assetPath: null,
          stuck: 0,
          failed: 0,
          queues: '[]',
          jobNames: '[]',
          error: null,
          at,
          quarantined: 1,
        });
      } else return false;
      return true;
    })();
  }

  quarantinedIds(): string[] {
    return this.db.prepare('SELECT asset_id FROM problem_asset WHERE quarantined = 1').pluck().all() as string[];
  }

  /** Newest or most troubled first; `before` is the (value, assetId) of the last row of the previous page. */
  page(sort: ProblemAssetSort, limit: number, before: { value: number; assetId: string } | null): ProblemRow[] {
    const column = COLUMN[sort];
    const where = before ? `WHERE (${column} < @value OR (${column} = @value AND asset_id < @assetId))` : '';
    const rows = this.db
      .prepare(`SELECT * FROM problem_asset ${where} ORDER BY ${column} DESC, asset_id DESC LIMIT @limit`)
      .all({ limit, ...(before ?? {}) }) as Row[];
    return rows.map(toRow);
  }
}

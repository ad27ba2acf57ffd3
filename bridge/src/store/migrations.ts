/**
 * Schema versions, applied in order at start-up (PRAGMA user_version counts how many ran).
 * Never edit a shipped entry: add a new one.
 */
const bucketTable = (name: string) => `
  CREATE TABLE ${name} (
    queue TEXT NOT NULL, job_name TEXT NOT NULL, t INTEGER NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
    dur_count INTEGER NOT NULL DEFAULT 0, dur_sum REAL NOT NULL DEFAULT 0, dur_max REAL NOT NULL DEFAULT 0,
    lost INTEGER NOT NULL DEFAULT 0,
    -- job_name first: the queue totals of a time range (job_name '') are one contiguous run of the key.
    PRIMARY KEY (job_name, t, queue)
  ) WITHOUT ROWID;
  -- Per job name over a time range: covering, so it never visits the table.
  CREATE INDEX ${name}_by_time ON ${name} (t, job_name, queue, completed, failed, dur_count, dur_sum, dur_max);`;

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ts          INTEGER NOT NULL,
    event       TEXT    NOT NULL,
    queue       TEXT,
    job_id      TEXT,
    job_name    TEXT,
    asset_id    TEXT,
    asset_path  TEXT,
    age_seconds REAL,
    actor       TEXT    NOT NULL,
    mode        TEXT,
    detail      TEXT,
    -- One row per event: a detection of the same job run, or the same stream entry, is written once.
    dedup_key   TEXT UNIQUE
  );
  CREATE INDEX history_ts ON history (ts);
  CREATE INDEX history_queue ON history (queue, id);
  CREATE INDEX history_event ON history (event, id);
  CREATE INDEX history_asset ON history (asset_id, id) WHERE asset_id IS NOT NULL;
  CREATE INDEX history_job ON history (job_id, id) WHERE job_id IS NOT NULL;

  -- Statistics buckets; job_name '' is the queue's "tracked this minute" row, so a missing bucket is a gap.
  ${bucketTable('stats_minute')}
  ${bucketTable('stats_hour')}
  ${bucketTable('stats_day')}

  -- Where the events-stream tail stopped, committed with the buckets it fed: a restart continues here.
  CREATE TABLE stream_cursor (
    queue TEXT PRIMARY KEY, last_id TEXT NOT NULL, mark_added INTEGER, read_since_mark INTEGER NOT NULL DEFAULT 0
  );

  -- Stuck job runs detected and not yet resolved or cleared, and queue conditions in force: they outlive restarts.
  CREATE TABLE open_stuck (
    queue TEXT NOT NULL, job_id TEXT NOT NULL, processed_on INTEGER NOT NULL,
    job_name TEXT, asset_id TEXT, asset_path TEXT, state TEXT NOT NULL, detected_at INTEGER NOT NULL,
    PRIMARY KEY (queue, job_id, processed_on)
  );
  CREATE TABLE open_condition (
    queue TEXT NOT NULL, condition TEXT NOT NULL, since INTEGER NOT NULL,
    PRIMARY KEY (queue, condition)
  );

  -- Settings changed through the API, one JSON document per section.
  CREATE TABLE settings (section TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
  `,
  `
  -- Orphans auto-heal sent back to wait once: a second time the same job is failed instead.
  CREATE TABLE heal_retried (queue TEXT NOT NULL, job_id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (queue, job_id));
  CREATE INDEX heal_retried_at ON heal_retried (at);

  -- Assets whose jobs got stuck or failed, folded from history rows as they are written.
  CREATE TABLE problem_asset (
    asset_id TEXT PRIMARY KEY,
    asset_path TEXT,
    times_stuck INTEGER NOT NULL DEFAULT 0,
    times_failed INTEGER NOT NULL DEFAULT 0,
    queues TEXT NOT NULL DEFAULT '[]',
    job_names TEXT NOT NULL DEFAULT '[]',
    last_error TEXT,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    quarantined INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX problem_asset_last_seen ON problem_asset (last_seen, asset_id);
  CREATE INDEX problem_asset_stuck ON problem_asset (times_stuck, asset_id);
  CREATE INDEX problem_asset_failed ON problem_asset (times_failed, asset_id);
  CREATE INDEX problem_asset_quarantined ON problem_asset (asset_id) WHERE quarantined = 1;
  `,
  `
  -- Queues import mode paused itself: only these are resumed by it, so an admin's own pause stays.
  CREATE TABLE import_mode_held (queue TEXT PRIMARY KEY, at INTEGER NOT NULL);
  `,
];

/**
 * Types of the bridge's HTTP API (v1), the contract between bridge and extension.
 * Field names follow DESIGN.md; add fields freely, rename none.
 */

export type JobState = 'running' | 'hung' | 'orphaned' | 'dangling';
export type StuckState = Exclude<JobState, 'running'>;
export const CLEAR_MODES = ['fail', 'retry', 'remove'] as const;
export type ClearMode = (typeof CLEAR_MODES)[number];

/** Lock of an active job as last sampled. */
export interface JobLock {
  /** Milliseconds left on `<id>:lock`; null when there is no lock. */
  ttlMs: number | null;
  /** True once the TTL was seen going up between two ticks: a live worker renews it. */
  renewed: boolean;
}

export interface ActiveJob {
  jobId: string;
  /** BullMQ job name (Immich's JobName), null for a dangling id. */
  name: string | null;
  state: JobState;
  /** Seconds since the job last became active (now − processedOn). */
  ageSeconds: number;
  /** ISO time the job last became active (BullMQ `processedOn`). */
  startedAt: string | null;
  /** Raw `processedOn` in ms; send it back with a clear so a restarted job is not cleared by mistake. */
  processedOn: number | null;
  /** ISO time the job was queued (BullMQ `timestamp`). */
  queuedAt: string | null;
  /** Activations so far (BullMQ `ats`). */
  attempts: number;
  /** Times BullMQ found it stalled (BullMQ `stc`). */
  stalls: number;
  lock: JobLock;
  assetId: string | null;
  assetPath: string | null;
  assetFileName: string | null;
  personId: string | null;
  /** Other id a job carries (face id of FacialRecognition, library id, ...). */
  otherId: string | null;
  /** What Immich says of the job's asset; absent until fetched, or when Immich refused (another user's asset). */
  asset?: AssetDetails;
}

/** From `getAssetInfo`, cached by the bridge. Face jobs carry a face id, which Immich's API cannot map to its asset. */
export interface AssetDetails {
  fileSize: number | null;
  mimeType: string | null;
  /** Upper-case file extension (HEIC, JPG, MOV), else the MIME subtype. */
  format: string | null;
  width: number | null;
  height: number | null;
  /** ISO capture time (EXIF dateTimeOriginal, else the file's creation time). */
  takenAt: string | null;
  /** The owner's name, when Immich includes it (only for assets the admin may read). */
  ownerName: string | null;
}

export interface QueueCounts {
  waiting: number;
  paused: number;
  active: number;
  delayed: number;
  prioritized: number;
  failed: number;
}

export interface QueueSummary {
  name: string;
  title: string;
  slug: string;
  isPaused: boolean;
  counts: QueueCounts;
  /** BullMQ worker connections seen for this queue in CLIENT LIST. */
  workers: number;
  /** Jobs finished per minute over the last five minutes (from the events stream). */
  rate: number;
  avgDurationMs: number | null;
  /** Seconds to drain what waits at the current rate; null when nothing runs. */
  etaSeconds: number | null;
  /** The effective threshold the classifier uses: max(configured, adaptive), capped at 24 h. */
  thresholdSeconds: number;
  /** From STUCK_THRESHOLDS, settings or the catalogue. */
  configuredThresholdSeconds: number;
  /** ADAPTIVE_THRESHOLD_FACTOR × p99 duration of the queue's slowest job name; null below 50 completions or when off. */
  adaptiveThresholdSeconds: number | null;
  /** Queue-level problems, each recorded in history when it starts and ends. */
  conditions: QueueCondition[];
  /** Events trimmed from the stream before the bridge read them (since it started). */
  lostEvents: number;
  oldestActiveSeconds: number | null;
  activeJobs: ActiveJob[];
  /** The non-running subset of activeJobs. */
  stuckJobs: ActiveJob[];
}

export const QUEUE_CONDITIONS = ['stalled', 'no_workers', 'slots_full_of_stuck'] as const;
export type QueueCondition = (typeof QUEUE_CONDITIONS)[number];

export interface FailedJob {
  jobId: string;
  name: string | null;
  failedReason: string | null;
  failedAt: string | null;
  queuedAt: string | null;
  attempts: number;
  stalls: number;
  assetId: string | null;
  assetPath: string | null;
  assetFileName: string | null;
  personId: string | null;
  asset?: AssetDetails;
}

export interface QueueDetail extends QueueSummary {
  /** Newest first, one page of them. */
  failedJobs: FailedJob[];
  failedPage: { offset: number; limit: number; total: number };
  /** Redis did not answer: the summary is the last snapshot and failedJobs may be empty. */
  stale: boolean;
}

export type AutoHealAction = 'alert_only' | 'clear_and_log' | 'clear_and_restart';

export interface StatusResponse {
  /** Redis answered the last tick. */
  connected: boolean;
  immichVersion: string | null;
  bullmqVersion: string | null;
  queues: number;
  totalWaiting: number;
  totalActive: number;
  stuckJobs: number;
  snapshotAt: string | null;
  stale: boolean;
  autoHeal: AutoHealStatus;
  /** Which token the caller holds: `read` sees everything and may do nothing. */
  access?: 'full' | 'read';
  /** Queues with a condition right now. */
  conditions?: { queue: string; condition: QueueCondition; since: string }[];
  restart?: RestartStatus;
  notifiers?: NotifierStatus[];
  compatibility?: Compatibility;
  /** Steps included so the popup and the Jobs page show the order's progress from the regular poll. */
  importMode?: { enabled: boolean; running: string | null; steps?: ImportStep[] };
}

export interface AutoHealStatus {
  enabled: boolean;
  action: AutoHealAction | null;
  dryRun?: boolean;
  lastRunAt?: string | null;
  lastActions?: AutoHealActionRecord[];
  breaker?: { open: boolean; actionsThisHour: number; budget: number; openedAt?: string | null };
}

export interface AutoHealActionRecord {
  queue: string;
  jobId: string;
  state: StuckState;
  action: ClearMode | 'alert' | 'restart';
  result: 'done' | 'skipped' | 'dry_run' | 'failed';
  reason?: string;
  at: string;
}

export interface RestartStatus {
  available: boolean;
  container: string | null;
  reason: string | null;
}

export interface NotifierStatus {
  id: string;
  kind: string;
  /** Target with secrets masked. */
  target: string;
  minSeverity: AlertSeverity;
  lastSentAt: string | null;
  lastError: string | null;
  failing: boolean;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface Compatibility {
  immich: { version: string | null; tested: boolean };
  bullmq: { version: string | null; tested: boolean };
  /** Destructive actions are refused (untested BullMQ major) until ALLOW_UNTESTED=true. */
  actionsAllowed: boolean;
  reason: string | null;
}

export interface HealthResponse {
  ok: boolean;
  redis: boolean;
  immich: boolean;
}

export interface QueuesResponse {
  queues: QueueSummary[];
  snapshotAt: string | null;
  stale: boolean;
}

export interface ClearStuckRequest {
  mode?: ClearMode;
  jobIds?: string[];
}

export interface SkippedJob {
  jobId: string;
  reason: ErrorCode;
}

export interface ClearStuckResponse {
  cleared: number;
  jobIds: string[];
  skipped: SkippedJob[];
  /** Hung jobs cleared in Redis whose worker still holds its slot until Immich restarts. */
  slotsStillHeld: number;
  /** Set when slots stay held: what the admin has to do about it. */
  note?: string;
}

export interface ClearJobRequest {
  mode?: ClearMode;
  /** `processedOn` (ms) or ISO `startedAt` the caller saw; a job restarted since is left alone (409). */
  startedAt?: number | string;
  /** Clear a job that is still within its threshold and held by a live worker. */
  force?: boolean;
}

export interface ClearJobResponse {
  cleared: boolean;
  jobId: string;
  mode: ClearMode;
  /** The job was hung: the worker slot stays taken until Immich restarts. */
  slotStillHeld: boolean;
  note?: string;
}

export interface ClearAllStuckRequest {
  mode?: ClearMode;
}

/** One cleared job with its queue: BullMQ ids repeat across queues. */
export interface ClearedJobRef {
  queue: string;
  jobId: string;
  state: JobState;
  mode: ClearMode;
}

export interface ClearAllStuckResponse {
  cleared: number;
  queues: string[];
  /** Ids only, for the seed plan's shape; `jobs` says which queue each belongs to. */
  jobIds: string[];
  jobs?: ClearedJobRef[];
  skipped: (SkippedJob & { queue: string })[];
  slotsStillHeld: number;
  note?: string;
}

export interface QueueCommandResponse {
  queue: string;
  isPaused: boolean;
  /** Which Immich endpoint carried the command. */
  via: 'queues-api' | 'legacy-jobs-api';
}

export interface FailedActionResponse {
  queue: string;
  count: number;
}

// ---- History (GET /api/history) -------------------------------------------------------------

export const HISTORY_EVENTS = [
  'stuck_job_detected',
  'stuck_job_resolved',
  'stuck_job_cleared',
  'job_failed',
  'queue_paused',
  'queue_resumed',
  'failed_retried',
  'failed_cleared',
  'queue_stalled',
  'queue_recovered',
  'no_workers',
  'workers_back',
  'slots_full_of_stuck',
  'slots_freed',
  'redis_lost',
  'redis_back',
  'bridge_started',
  'immich_restarted',
  'asset_quarantined',
  'asset_released',
  'asset_job_removed',
  'alert_sent',
  'auto_heal_breaker_open',
] as const;
export type HistoryEventName = (typeof HISTORY_EVENTS)[number];

/** Who caused an event: a click through the bridge, the bridge's loops, or Immich itself. */
export type HistoryActor = 'user' | 'immich' | 'bridge' | 'auto-heal' | 'import-mode' | 'quarantine' | 'alerts';

export interface HistoryItem {
  /** Row id; also the paging cursor. */
  id: number;
  /** ISO time. */
  timestamp: string;
  event: HistoryEventName;
  queue: string | null;
  jobId: string | null;
  jobName: string | null;
  assetId: string | null;
  assetPath: string | null;
  /** How long the job had been active (detected, cleared) or stuck (resolved). */
  ageSeconds: number | null;
  actor: HistoryActor;
  mode: string | null;
  /** Event-specific fields: state, thresholdSeconds, result, reason, count, slotsStillHeld, ... */
  detail: Record<string, unknown> | null;
}

export interface HistoryResponse {
  items: HistoryItem[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: number | null;
}

// ---- Statistics (GET /api/stats) ----------------------------------------------------------

/** `1h` is minute by minute (the Jobs page's sparklines); the others are for the insights charts. */
export const STATS_RANGES = ['1h', '24h', '7d', '30d'] as const;
export type StatsRange = (typeof STATS_RANGES)[number];

export interface StatsPoint {
  /** ISO start of the bucket. */
  t: string;
  completed: number;
  failed: number;
  avgDurationMs: number | null;
  maxDurationMs: number | null;
  /** Events trimmed from the stream in this bucket: the counts there are a lower bound (a gap). */
  lost: number;
}

export interface StatsResponse {
  range: StatsRange;
  /** Bucket width: 1 min for 1h, 5 min for 24h, 1 h for 7d, 1 day for 30d. */
  bucketSeconds: number;
  from: string;
  to: string;
  series: { queue: string; points: StatsPoint[] }[];
  totals: {
    completedToday: number;
    completedWeek: number;
    completedMonth: number;
    failedToday: number;
    /** failed / (completed + failed) over the range; null with nothing finished. */
    failureRate: number | null;
  };
  /** Failure rate of the range before this one, for the trend. */
  previousFailureRate: number | null;
  byJobName: {
    queue: string;
    jobName: string;
    completed: number;
    failed: number;
    avgDurationMs: number | null;
    maxDurationMs: number | null;
  }[];
  /** Completions by hour of day (0–23, the bridge's UTC hours) over the range. */
  peakHours: { hour: number; completed: number }[];
  /** stuck_job_detected rows per bucket, from history. */
  stuck: { t: string; count: number }[];
}

export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'QUEUE_NOT_FOUND',
  'JOB_NOT_FOUND',
  'JOB_NOT_ACTIVE',
  'JOB_CHANGED',
  'JOB_RUNNING',
  'JOB_LOCKED',
  'RETRY_HUNG_REFUSED',
  'QUEUE_NOT_PAUSABLE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'READ_ONLY_TOKEN',
  'FORBIDDEN',
  'CONFLICT',
  'UNKNOWN_OUTCOME',
  'NOT_CONFIGURED',
  'UNTESTED_VERSION',
  'IMMICH_UNAVAILABLE',
  'IMMICH_NOT_CONFIGURED',
  'IMMICH_REFUSED',
  'DOCKER_UNAVAILABLE',
  'REDIS_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** 400 from PUT /api/settings: one message per bad field, keyed `section.field` (e.g. `autoHeal.intervalSeconds`). */
    fields?: Record<string, string>;
    /** 409 from a restart refused while one runs or in its cooldown: when to try again. */
    retryAfterSeconds?: number;
    /**
     * 503 from clear-stuck, clear-all-stuck or clear-all-and-restart stopped mid-way by Redis: the jobs it did
     * clear before it stopped (the rest were not touched, but `unknown`).
     */
    cleared?: ClearedJobRef[];
    /** With UNKNOWN_OUTCOME in such a stop: the job whose clear Redis never confirmed; check it. */
    unknown?: { queue: string; jobId: string }[];
  };
}

// ---- Settings (GET|PUT /api/settings) ------------------------------------------------------

/** Where a setting's value comes from; later wins: default < env < api (stored in DATA_DIR). */
export type SettingSource = 'default' | 'env' | 'api';

export interface SettingField<T = unknown> {
  /** Any JSON value (number, boolean, string, string[], Record<string, number>, ...). A secret is masked: "••••" + its last 4 characters, or null when unset. */
  value: T;
  source: SettingSource;
  /** Write-only: GET never sends the real value; PUT a new one to change it. */
  secret?: boolean;
  /** The environment variable that sets this field, e.g. `AUTO_HEAL_INTERVAL_SECONDS`. */
  env?: string;
  /** The values an enum field accepts (shown as a choice). */
  options?: string[];
}

/** One section's fields by name, e.g. `autoHeal.intervalSeconds`. */
export type SettingsSection = Record<string, SettingField>;

/** GET /api/settings, and the answer of a successful PUT: every section by name (`thresholds`, `autoHeal`, `notifiers`, `alerts`, `quarantine`, ...). */
export type SettingsResponse = Record<string, SettingsSection>;

/** PUT /api/settings: only the fields to change, `{section: {field: value}}`; a bad one answers 400 with `error.fields`. */
export type SettingsUpdate = Record<string, Record<string, unknown>>;

// ---- Problem assets (GET /api/problem-assets, POST|DELETE /api/problem-assets/:assetId/quarantine) ----

export const PROBLEM_ASSET_SORTS = ['lastSeen', 'timesStuck', 'timesFailed'] as const;
/** `?sort=` (default lastSeen), always descending. */
export type ProblemAssetSort = (typeof PROBLEM_ASSET_SORTS)[number];

/** An asset whose jobs got stuck or failed, aggregated from history. */
export interface ProblemAsset {
  assetId: string;
  assetPath: string | null;
  assetFileName: string | null;
  fileSize?: number | null;
  mimeType?: string | null;
  timesStuck: number;
  timesFailed: number;
  /** Queues its problem jobs were in. */
  queues: string[];
  jobNames: string[];
  lastError: string | null;
  /** ISO times of its first and last problem. */
  firstSeen: string;
  lastSeen: string;
  /** Its new jobs are removed before they run, until it is released. */
  quarantined: boolean;
}

export interface ProblemAssetsResponse {
  items: ProblemAsset[];
  /** Opaque cursor: pass as `before` (with the same `sort`) for the next page; null at the end. */
  nextBefore: string | null;
}

/** Answer of POST (quarantine) and DELETE (release) /api/problem-assets/:assetId/quarantine. */
export interface QuarantineResponse {
  assetId: string;
  quarantined: boolean;
}

// ---- Alerts (POST /api/alerts/test; history rows `alert_sent`) ------------------------------

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;

/** What an alert is about; `detail.kind` of its `alert_sent` history row. */
export const ALERT_KINDS = [
  'stuck_jobs',
  'queue_stalled',
  'no_workers',
  'failure_spike',
  'auto_heal',
  'breaker_open',
  'immich_restarted',
  'redis_lost',
  'test',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** `detail` of an `alert_sent` history row: one per alert and notifier, sent or given up. */
export interface AlertSentDetail {
  notifier: string;
  kind: AlertKind;
  result: 'sent' | 'given_up';
  resolved: boolean;
  severity: AlertSeverity;
  attempts: number;
  error?: string;
}

export interface AlertTestRequest {
  /** A notifier id from `status.notifiers[]`; all of them when omitted. */
  notifier?: string;
}

export interface AlertTestResponse {
  results: { notifier: string; kind: string; result: 'sent' | 'failed'; error: string | null }[];
}

// ---- Auto-heal and restart (POST /api/auto-heal/run|reset, POST /api/actions/restart-immich|clear-all-and-restart) ----

/** Answer of POST /api/auto-heal/run (one pass now) and /reset (breaker closed). */
export interface AutoHealRunResponse {
  autoHeal: AutoHealStatus;
  /** What this pass did; empty for a reset. */
  actions: AutoHealActionRecord[];
}

/** Answer of POST /api/actions/restart-immich; clear-all-and-restart adds what the clear did. */
export interface RestartResponse {
  restarted: true;
  container: string;
  /** ISO time the restart was asked for; `immich_restarted` is recorded once the workers are back. */
  at: string;
  cleared?: ClearAllStuckResponse;
}

// ---- Import mode (GET|PUT /api/import-mode; status.importMode) ----------------------------------

/** The order queues run in during a big first import: each waits until the ones before it drained. */
export const DEFAULT_IMPORT_ORDER: readonly string[] = [
  'metadataExtraction',
  'thumbnailGeneration',
  'faceDetection',
  'facialRecognition',
  'smartSearch',
];

/**
 * One step of the order. `running`: the first step with work, let run; `waiting`: held back (paused by import
 * mode) until the steps before it drain; `done`: no work left; `held-by-admin`: paused by hand, left alone and
 * skipped; `released-by-admin`: import mode held it and the admin resumed it by hand, so it is left to run
 * (until import mode is switched off and on); `absent`: no such queue in Redis; `off`: import mode is off.
 */
export type ImportStepState = 'running' | 'waiting' | 'done' | 'held-by-admin' | 'released-by-admin' | 'absent' | 'off';

export interface ImportStep {
  queue: string;
  state: ImportStepState;
  /** wait + paused + delayed + prioritized, as in the queue summary. */
  waiting: number;
  active: number;
  /** Import mode paused this queue itself and will resume it. */
  heldByImportMode: boolean;
}

export interface ImportModeResponse {
  enabled: boolean;
  order: string[];
  /** The step running now; null when off or when every step drained. */
  running: string | null;
  steps: ImportStep[];
}

/** Body of PUT /api/import-mode; fields left out keep their value. */
export interface ImportModeUpdate {
  enabled?: boolean;
  order?: string[];
}

// ---- Redis inspector (GET /api/inspect/queues/:name[/jobs/:jobId], POST /api/inspect/command) ------------

export interface InspectKey {
  key: string;
  /** Redis TYPE; `none` for a named key that does not exist. */
  type: string;
  /** Items (list, zset, hash, set, stream) or bytes (string); null for a missing key. */
  length: number | null;
  /** Milliseconds left; null when the key does not expire (or is missing). */
  ttlMs: number | null;
}

export interface InspectEvent {
  /** Stream id `<ms>-<seq>`. */
  id: string;
  fields: Record<string, string>;
}

/** A BullMQ worker connection of the queue, from CLIENT LIST. */
export interface InspectWorker {
  name: string;
  addr: string;
  ageSeconds: number;
  idleSeconds: number;
}

export interface InspectQueueResponse {
  queue: string;
  /** The keys BullMQ names for every queue first, then what the bounded SCAN found (job hashes, locks, ...). */
  keys: InspectKey[];
  /** SCAN cursor to continue from (`?cursor=`); "0" once the whole keyspace was walked. */
  cursor: string;
  /** The SCAN stopped at the cap: more keys exist. */
  truncated: boolean;
  /** Newest first (XREVRANGE), `?events=` of them (at most 200). */
  events: InspectEvent[];
  workers: InspectWorker[];
  /** False when CLIENT LIST is refused by this Redis. */
  workersKnown: boolean;
}

export interface InspectJobResponse {
  queue: string;
  jobId: string;
  key: string;
  /** The raw job hash; secrets and the data of mail jobs are replaced by `[redacted]`. */
  hash: Record<string, string>;
  /** Fields of `hash` that had something redacted. */
  redacted: string[];
  /** Milliseconds left on `<id>:lock`; null without a lock. */
  lockTtlMs: number | null;
  logs: number;
  /** Sets the id is in (failed, delayed, completed, prioritized, stalled); `active`/`wait` lists are not searched. */
  in: string[];
}

export interface InspectCommandRequest {
  command: string;
  args: (string | number)[];
}

export interface InspectCommandResponse {
  command: string;
  /** The arguments as run (a default COUNT may have been added). */
  args: string[];
  result: unknown;
  /** A list was cut at 200 items or a value at 2000 characters. */
  truncated: boolean;
  /** Something that looked like a secret, or a mail job's data, was replaced. */
  redacted: boolean;
}

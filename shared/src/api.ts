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
  thresholdSeconds: number;
  oldestActiveSeconds: number | null;
  activeJobs: ActiveJob[];
  /** The non-running subset of activeJobs. */
  stuckJobs: ActiveJob[];
}

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
  autoHeal: { enabled: boolean; action: AutoHealAction | null };
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

export interface ClearAllStuckResponse {
  cleared: number;
  queues: string[];
  jobIds: string[];
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
  'IMMICH_UNAVAILABLE',
  'IMMICH_NOT_CONFIGURED',
  'IMMICH_REFUSED',
  'REDIS_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

import {
  ALERT_SEVERITIES,
  CLEAR_MODES,
  ERROR_CODES,
  HISTORY_EVENTS,
  QUEUE_CONDITIONS,
  STATS_RANGES,
  type ActiveJob,
  type AlertTestResponse,
  type AssetDetails,
  type AutoHealActionRecord,
  type AutoHealRunResponse,
  type AutoHealStatus,
  type ClearAllStuckResponse,
  type ClearedJobRef,
  type ClearJobResponse,
  type ClearStuckResponse,
  type Compatibility,
  type ErrorBody,
  type FailedActionResponse,
  type FailedJob,
  type HealthResponse,
  type HistoryItem,
  type HistoryResponse,
  type ImportModeResponse,
  type ImportStep,
  type InspectCommandResponse,
  type InspectJobResponse,
  type InspectQueueResponse,
  type NotifierStatus,
  type ProblemAsset,
  type ProblemAssetsResponse,
  type QuarantineResponse,
  type QueueCommandResponse,
  type QueueDetail,
  type QueuesResponse,
  type QueueSummary,
  type RestartResponse,
  type RestartStatus,
  type SettingField,
  type SettingsResponse,
  type StatsPoint,
  type StatsResponse,
  type StatusResponse,
} from '@immich-admin-tools/shared';
import { z } from 'zod';

/**
 * Zod mirrors of the answers in shared/src/api.ts, for the OpenAPI document only (nothing parses a response
 * with them). The types stay the contract: `documents<T>()` fails to compile unless a schema's output is
 * exactly `T`, so a field added to, renamed in or retyped in api.ts has to be made here too.
 */
type Same<A, B> = (<V>() => V extends A ? 1 : 2) extends <V>() => V extends B ? 1 : 2 ? true : false;
/** Intersections and interfaces spelled out as plain object types, so only the shape is compared. */
type Flat<T> = T extends object ? { [K in keyof T]: Flat<T[K]> } : T;

const documents =
  <T>() =>
  <S extends z.ZodType>(
    name: string,
    schema: S & (Same<Flat<z.output<S>>, Flat<T>> extends true ? unknown : never),
  ): S =>
    // The id makes it a named component (`#/components/schemas/<name>`) rather than an inline copy.
    schema.meta({ id: name }) as S;

const iso = z.iso.datetime({ offset: true });
const isoOrNull = iso.nullable();
const clearMode = z.enum(CLEAR_MODES);
const jobState = z.enum(['running', 'hung', 'orphaned', 'dangling']);
const stuckState = z.enum(['hung', 'orphaned', 'dangling']);
const errorCode = z.enum(ERROR_CODES);
const queueCondition = z.enum(QUEUE_CONDITIONS);

const clearedJobRef = documents<ClearedJobRef>()(
  'ClearedJobRef',
  z.object({ queue: z.string(), jobId: z.string(), state: jobState, mode: clearMode }),
);

export const errorBody = documents<ErrorBody>()(
  'ErrorBody',
  z.object({
    error: z.object({
      code: errorCode,
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
      retryAfterSeconds: z.number().optional(),
      cleared: z.array(clearedJobRef).optional(),
      unknown: z.array(z.object({ queue: z.string(), jobId: z.string() })).optional(),
    }),
  }),
);

export const healthResponse = documents<HealthResponse>()(
  'HealthResponse',
  z.object({ ok: z.boolean(), redis: z.boolean(), immich: z.boolean() }),
);

const assetDetails = documents<AssetDetails>()(
  'AssetDetails',
  z.object({
    fileSize: z.number().nullable(),
    mimeType: z.string().nullable(),
    format: z.string().nullable(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    takenAt: isoOrNull,
    ownerName: z.string().nullable(),
  }),
);

const activeJob = documents<ActiveJob>()(
  'ActiveJob',
  z.object({
    jobId: z.string(),
    name: z.string().nullable(),
    state: jobState,
    ageSeconds: z.number(),
    startedAt: isoOrNull,
    processedOn: z.number().nullable(),
    queuedAt: isoOrNull,
    attempts: z.number(),
    stalls: z.number(),
    lock: z.object({ ttlMs: z.number().nullable(), renewed: z.boolean() }),
    assetId: z.string().nullable(),
    assetPath: z.string().nullable(),
    assetFileName: z.string().nullable(),
    personId: z.string().nullable(),
    otherId: z.string().nullable(),
    asset: assetDetails.optional(),
  }),
);

const queueSummaryShape = z.object({
  name: z.string(),
  title: z.string(),
  slug: z.string(),
  isPaused: z.boolean(),
  counts: z.object({
    waiting: z.number(),
    paused: z.number(),
    active: z.number(),
    delayed: z.number(),
    prioritized: z.number(),
    failed: z.number(),
  }),
  workers: z.number(),
  rate: z.number().describe('Jobs finished per minute over the last five minutes'),
  avgDurationMs: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  thresholdSeconds: z.number(),
  configuredThresholdSeconds: z.number(),
  adaptiveThresholdSeconds: z.number().nullable(),
  conditions: z.array(queueCondition),
  lostEvents: z.number(),
  oldestActiveSeconds: z.number().nullable(),
  activeJobs: z.array(activeJob),
  stuckJobs: z.array(activeJob).describe('The non-running subset of activeJobs'),
});
const queueSummary = documents<QueueSummary>()('QueueSummary', queueSummaryShape);

export const queuesResponse = documents<QueuesResponse>()(
  'QueuesResponse',
  z.object({ queues: z.array(queueSummary), snapshotAt: isoOrNull, stale: z.boolean() }),
);

const failedJob = documents<FailedJob>()(
  'FailedJob',
  z.object({
    jobId: z.string(),
    name: z.string().nullable(),
    failedReason: z.string().nullable(),
    failedAt: isoOrNull,
    queuedAt: isoOrNull,
    attempts: z.number(),
    stalls: z.number(),
    assetId: z.string().nullable(),
    assetPath: z.string().nullable(),
    assetFileName: z.string().nullable(),
    personId: z.string().nullable(),
    asset: assetDetails.optional(),
  }),
);

export const queueDetail = documents<QueueDetail>()(
  'QueueDetail',
  queueSummaryShape.extend({
    failedJobs: z.array(failedJob),
    failedPage: z.object({ offset: z.number(), limit: z.number(), total: z.number() }),
    stale: z.boolean(),
  }),
);

const autoHealActionRecord = documents<AutoHealActionRecord>()(
  'AutoHealActionRecord',
  z.object({
    queue: z.string(),
    jobId: z.string(),
    state: stuckState,
    action: z.enum([...CLEAR_MODES, 'alert', 'restart']),
    result: z.enum(['done', 'skipped', 'dry_run', 'failed']),
    reason: z.string().optional(),
    at: iso,
  }),
);

export const autoHealStatus = documents<AutoHealStatus>()(
  'AutoHealStatus',
  z.object({
    enabled: z.boolean(),
    action: z.enum(['alert_only', 'clear_and_log', 'clear_and_restart']).nullable(),
    dryRun: z.boolean().optional(),
    lastRunAt: isoOrNull.optional(),
    lastActions: z.array(autoHealActionRecord).optional(),
    breaker: z
      .object({
        open: z.boolean(),
        actionsThisHour: z.number(),
        budget: z.number(),
        openedAt: isoOrNull.optional(),
      })
      .optional(),
  }),
);

const restartStatus = documents<RestartStatus>()(
  'RestartStatus',
  z.object({ available: z.boolean(), container: z.string().nullable(), reason: z.string().nullable() }),
);

const notifierStatus = documents<NotifierStatus>()(
  'NotifierStatus',
  z.object({
    id: z.string(),
    kind: z.string(),
    target: z.string().describe('Secrets masked'),
    minSeverity: z.enum(ALERT_SEVERITIES),
    lastSentAt: isoOrNull,
    lastError: z.string().nullable(),
    failing: z.boolean(),
  }),
);

const compatibility = documents<Compatibility>()(
  'Compatibility',
  z.object({
    immich: z.object({ version: z.string().nullable(), tested: z.boolean() }),
    bullmq: z.object({ version: z.string().nullable(), tested: z.boolean() }),
    actionsAllowed: z.boolean(),
    reason: z.string().nullable(),
  }),
);

const importStep = documents<ImportStep>()(
  'ImportStep',
  z.object({
    queue: z.string(),
    state: z.enum(['running', 'waiting', 'done', 'held-by-admin', 'released-by-admin', 'absent', 'off']),
    waiting: z.number(),
    active: z.number(),
    heldByImportMode: z.boolean(),
  }),
);

export const statusResponse = documents<StatusResponse>()(
  'StatusResponse',
  z.object({
    connected: z.boolean(),
    immichVersion: z.string().nullable(),
    bullmqVersion: z.string().nullable(),
    queues: z.number(),
    totalWaiting: z.number(),
    totalActive: z.number(),
    stuckJobs: z.number(),
    snapshotAt: isoOrNull,
    stale: z.boolean(),
    autoHeal: autoHealStatus,
    access: z.enum(['full', 'read']).optional().describe('Which token the caller holds'),
    conditions: z.array(z.object({ queue: z.string(), condition: queueCondition, since: iso })).optional(),
    restart: restartStatus.optional(),
    notifiers: z.array(notifierStatus).optional(),
    compatibility: compatibility.optional(),
    importMode: z
      .object({ enabled: z.boolean(), running: z.string().nullable(), steps: z.array(importStep).optional() })
      .optional(),
  }),
);

const skippedJob = z.object({ jobId: z.string(), reason: errorCode });

export const clearStuckResponse = documents<ClearStuckResponse>()(
  'ClearStuckResponse',
  z.object({
    cleared: z.number(),
    jobIds: z.array(z.string()),
    skipped: z.array(skippedJob),
    slotsStillHeld: z.number(),
    note: z.string().optional(),
  }),
);

export const clearJobResponse = documents<ClearJobResponse>()(
  'ClearJobResponse',
  z.object({
    cleared: z.boolean(),
    jobId: z.string(),
    mode: clearMode,
    slotStillHeld: z.boolean(),
    note: z.string().optional(),
  }),
);

export const clearAllStuckResponse = documents<ClearAllStuckResponse>()(
  'ClearAllStuckResponse',
  z.object({
    cleared: z.number(),
    queues: z.array(z.string()),
    jobIds: z.array(z.string()),
    jobs: z.array(clearedJobRef).optional(),
    skipped: z.array(skippedJob.extend({ queue: z.string() })),
    slotsStillHeld: z.number(),
    note: z.string().optional(),
  }),
);

export const queueCommandResponse = documents<QueueCommandResponse>()(
  'QueueCommandResponse',
  z.object({ queue: z.string(), isPaused: z.boolean(), via: z.enum(['queues-api', 'legacy-jobs-api']) }),
);

export const failedActionResponse = documents<FailedActionResponse>()(
  'FailedActionResponse',
  z.object({ queue: z.string(), count: z.number() }),
);

export const restartResponse = documents<RestartResponse>()(
  'RestartResponse',
  z.object({ restarted: z.literal(true), container: z.string(), at: iso, cleared: clearAllStuckResponse.optional() }),
);

export const autoHealRunResponse = documents<AutoHealRunResponse>()(
  'AutoHealRunResponse',
  z.object({ autoHeal: autoHealStatus, actions: z.array(autoHealActionRecord) }),
);

const historyItem = documents<HistoryItem>()(
  'HistoryItem',
  z.object({
    id: z.number(),
    timestamp: iso,
    event: z.enum(HISTORY_EVENTS),
    queue: z.string().nullable(),
    jobId: z.string().nullable(),
    jobName: z.string().nullable(),
    assetId: z.string().nullable(),
    assetPath: z.string().nullable(),
    ageSeconds: z.number().nullable(),
    actor: z.enum(['user', 'immich', 'bridge', 'auto-heal', 'import-mode', 'quarantine', 'alerts']),
    mode: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  }),
);

export const historyResponse = documents<HistoryResponse>()(
  'HistoryResponse',
  z.object({
    items: z.array(historyItem),
    nextBefore: z.number().nullable().describe('Pass as `before` for the next (older) page'),
  }),
);

const statsPoint = documents<StatsPoint>()(
  'StatsPoint',
  z.object({
    t: iso,
    completed: z.number(),
    failed: z.number(),
    avgDurationMs: z.number().nullable(),
    maxDurationMs: z.number().nullable(),
    lost: z.number(),
  }),
);

export const statsResponse = documents<StatsResponse>()(
  'StatsResponse',
  z.object({
    range: z.enum(STATS_RANGES),
    bucketSeconds: z.number(),
    from: iso,
    to: iso,
    series: z.array(z.object({ queue: z.string(), points: z.array(statsPoint) })),
    totals: z.object({
      completedToday: z.number(),
      completedWeek: z.number(),
      completedMonth: z.number(),
      failedToday: z.number(),
      failureRate: z.number().nullable(),
    }),
    previousFailureRate: z.number().nullable(),
    byJobName: z.array(
      z.object({
        queue: z.string(),
        jobName: z.string(),
        completed: z.number(),
        failed: z.number(),
        avgDurationMs: z.number().nullable(),
        maxDurationMs: z.number().nullable(),
      }),
    ),
    peakHours: z.array(z.object({ hour: z.number(), completed: z.number() })),
    stuck: z.array(z.object({ t: iso, count: z.number() })),
  }),
);

const settingField = documents<SettingField>()(
  'SettingField',
  z.object({
    value: z.unknown().describe('A secret reads "••••" and its last 4 characters, or null when unset'),
    source: z.enum(['default', 'env', 'api']),
    secret: z.boolean().optional(),
    env: z.string().optional(),
    options: z.array(z.string()).optional(),
  }),
);

export const settingsResponse = documents<SettingsResponse>()(
  'SettingsResponse',
  z.record(z.string(), z.record(z.string(), settingField)),
);

const problemAsset = documents<ProblemAsset>()(
  'ProblemAsset',
  z.object({
    assetId: z.string(),
    assetPath: z.string().nullable(),
    assetFileName: z.string().nullable(),
    fileSize: z.number().nullable().optional(),
    mimeType: z.string().nullable().optional(),
    timesStuck: z.number(),
    timesFailed: z.number(),
    queues: z.array(z.string()),
    jobNames: z.array(z.string()),
    lastError: z.string().nullable(),
    firstSeen: iso,
    lastSeen: iso,
    quarantined: z.boolean(),
  }),
);

export const problemAssetsResponse = documents<ProblemAssetsResponse>()(
  'ProblemAssetsResponse',
  z.object({
    items: z.array(problemAsset),
    nextBefore: z.string().nullable().describe('Pass as `before`, with the same `sort`, for the next page'),
  }),
);

export const quarantineResponse = documents<QuarantineResponse>()(
  'QuarantineResponse',
  z.object({ assetId: z.string(), quarantined: z.boolean() }),
);

export const alertTestResponse = documents<AlertTestResponse>()(
  'AlertTestResponse',
  z.object({
    results: z.array(
      z.object({
        notifier: z.string(),
        kind: z.string(),
        result: z.enum(['sent', 'failed']),
        error: z.string().nullable(),
      }),
    ),
  }),
);

export const importModeResponse = documents<ImportModeResponse>()(
  'ImportModeResponse',
  z.object({
    enabled: z.boolean(),
    order: z.array(z.string()),
    running: z.string().nullable(),
    steps: z.array(importStep),
  }),
);

export const inspectQueueResponse = documents<InspectQueueResponse>()(
  'InspectQueueResponse',
  z.object({
    queue: z.string(),
    keys: z.array(
      z.object({ key: z.string(), type: z.string(), length: z.number().nullable(), ttlMs: z.number().nullable() }),
    ),
    cursor: z.string().describe('Pass as `cursor` to continue the SCAN; "0" once the keyspace was walked'),
    truncated: z.boolean(),
    events: z.array(z.object({ id: z.string(), fields: z.record(z.string(), z.string()) })),
    workers: z.array(z.object({ name: z.string(), addr: z.string(), ageSeconds: z.number(), idleSeconds: z.number() })),
    workersKnown: z.boolean(),
  }),
);

export const inspectJobResponse = documents<InspectJobResponse>()(
  'InspectJobResponse',
  z.object({
    queue: z.string(),
    jobId: z.string(),
    key: z.string(),
    hash: z.record(z.string(), z.string()).describe('Secrets and the data of mail jobs read "[redacted]"'),
    redacted: z.array(z.string()),
    lockTtlMs: z.number().nullable(),
    logs: z.number(),
    in: z.array(z.string()),
  }),
);

export const inspectCommandResponse = documents<InspectCommandResponse>()(
  'InspectCommandResponse',
  z.object({
    command: z.string(),
    args: z.array(z.string()),
    result: z.unknown(),
    truncated: z.boolean(),
    redacted: z.boolean(),
  }),
);

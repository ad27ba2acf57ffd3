import {
  isAssetJob,
  PERSON_JOB_NAMES,
  queueInfo,
  waitingCount,
  type ActiveJob,
  type AssetDetails,
  type QueueCondition,
  type QueueSummary,
} from '@immich-admin-tools/shared';
import { assetDetails, type AssetCache } from '../assets/asset-cache.ts';
import { classifyJob, type LockHistory } from '../classify/classifier.ts';
import type { RawActiveJob, RawQueueState } from '../redis/queue.repository.ts';

export interface SummaryContext {
  now: number;
  /** Effective threshold (configured or adaptive, whichever is larger). */
  thresholdSeconds: number;
  /** Threshold of one job by its name (adaptive thresholds are per job name). */
  jobThresholdSeconds: (name: string | null) => number;
  configuredThresholdSeconds: number;
  adaptiveThresholdSeconds: number | null;
  conditions: QueueCondition[];
  workers: number;
  rate: { rate: number; avgDurationMs: number | null; lostEvents: number };
  lockHistory: (job: RawActiveJob) => LockHistory;
  deadLockAfterMs: number;
  assets: AssetCache;
}

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Which ids a job carries: assets get a file name, persons and faces just their id. */
export function jobIds(
  name: string | null,
  raw: { dataId: string | null; assetId: string | null; libraryId?: string | null },
): { assetId: string | null; personId: string | null; otherId: string | null } {
  const none = { assetId: null, personId: null, otherId: null };
  if (!name) return none;
  // WorkflowAssetTrigger keeps its asset in data.assetId.
  if (raw.assetId) return { ...none, assetId: raw.assetId, otherId: raw.dataId };
  if (raw.dataId && isAssetJob(name)) return { ...none, assetId: raw.dataId };
  if (raw.dataId && PERSON_JOB_NAMES.has(name)) return { ...none, personId: raw.dataId };
  return { ...none, otherId: raw.dataId ?? raw.libraryId ?? null };
}

export function toActiveJob(raw: RawActiveJob, ctx: SummaryContext): ActiveJob {
  const ageSeconds = raw.processedOn === null ? 0 : Math.max(0, (ctx.now - raw.processedOn) / 1000);
  const history = ctx.lockHistory(raw);
  const ids = jobIds(raw.name, raw);
  const label = ids.assetId ? ctx.assets.lookup(ids.assetId) : null;
  return {
    jobId: raw.jobId,
    name: raw.name,
    state: classifyJob({
      hasHash: raw.name !== null,
      ageSeconds,
      thresholdSeconds: ctx.jobThresholdSeconds(raw.name),
      lockTtlMs: raw.lockTtlMs,
      history,
      now: ctx.now,
      deadLockAfterMs: ctx.deadLockAfterMs,
    }),
    ageSeconds: Math.round(ageSeconds * 10) / 10,
    startedAt: iso(raw.processedOn),
    processedOn: raw.processedOn,
    queuedAt: iso(raw.timestamp),
    attempts: raw.attempts,
    stalls: raw.stalls,
    lock: {
      ttlMs: raw.lockTtlMs,
      renewed: history.lastRenewAt !== null,
    },
    ...ids,
    assetPath: label?.path ?? null,
    assetFileName: label?.fileName ?? null,
    ...withAsset(label),
  };
}

/** `asset` only once Immich answered for it, so job objects stay as they were without it. */
export function withAsset(label: ReturnType<AssetCache['lookup']>): { asset?: AssetDetails } {
  const asset = assetDetails(label);
  return asset ? { asset } : {};
}

export function toQueueSummary(state: RawQueueState, ctx: SummaryContext): QueueSummary {
  const info = queueInfo(state.name);
  const activeJobs = state.activeJobs.map((raw) => toActiveJob(raw, ctx)).sort((a, b) => b.ageSeconds - a.ageSeconds);
  const queued = waitingCount(state.counts);
  const { rate, avgDurationMs } = ctx.rate;
  return {
    name: state.name,
    title: info.title,
    slug: info.slug,
    isPaused: state.isPaused,
    counts: state.counts,
    workers: ctx.workers,
    rate,
    avgDurationMs,
    etaSeconds: state.isPaused || rate <= 0 ? null : Math.round((queued / rate) * 60),
    thresholdSeconds: ctx.thresholdSeconds,
    configuredThresholdSeconds: ctx.configuredThresholdSeconds,
    adaptiveThresholdSeconds: ctx.adaptiveThresholdSeconds,
    conditions: ctx.conditions,
    lostEvents: ctx.rate.lostEvents,
    oldestActiveSeconds: activeJobs[0]?.ageSeconds ?? null,
    activeJobs,
    stuckJobs: activeJobs.filter((job) => job.state !== 'running'),
  };
}

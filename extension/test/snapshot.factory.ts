/** Bridge API objects for tests, typed by shared/api.ts so a contract change breaks them at compile time. */
import {
  queueInfo,
  type ActiveJob,
  type AssetDetails,
  type FailedJob,
  type QueueDetail,
  type QueueSummary,
  type StatusResponse,
} from '@immich-admin-tools/shared';
import type { DirectQueue, DirectSnapshot } from '../lib/immich-direct/direct-view.ts';
import type { Instance, InstanceSnapshot } from '../lib/messaging.ts';

/** Fixed at load so two calls describe the same job activation. */
const STARTED = Date.now() - 600_000;

export function activeJob(overrides: Partial<ActiveJob> = {}): ActiveJob {
  return {
    jobId: '101',
    name: 'AssetDetectFaces',
    state: 'hung',
    ageSeconds: 600,
    startedAt: new Date(STARTED).toISOString(),
    processedOn: STARTED,
    queuedAt: new Date(STARTED - 100_000).toISOString(),
    attempts: 1,
    stalls: 0,
    lock: { ttlMs: 25_000, renewed: true },
    assetId: '7f1c0a52-1111-4222-8333-944445555666',
    assetPath: '/usr/src/app/upload/library/admin/2024/IMG_0042.HEIC',
    assetFileName: 'IMG_0042.HEIC',
    personId: null,
    otherId: null,
    ...overrides,
  };
}

/** What the bridge says of a job's asset once Immich answered getAssetInfo. */
export function assetDetails(overrides: Partial<AssetDetails> = {}): AssetDetails {
  return {
    fileSize: 2_400_000,
    mimeType: 'image/heic',
    format: 'HEIC',
    width: 4032,
    height: 3024,
    takenAt: '2024-03-01T10:20:30.000Z',
    ownerName: 'Admin',
    ...overrides,
  };
}

export function failedJob(overrides: Partial<FailedJob> = {}): FailedJob {
  return {
    jobId: '201',
    name: 'AssetDetectFaces',
    failedReason: 'job stalled more than allowable limit',
    failedAt: new Date(STARTED).toISOString(),
    queuedAt: new Date(STARTED - 100_000).toISOString(),
    attempts: 1,
    stalls: 2,
    assetId: '7f1c0a52-2222-4222-8333-944445555666',
    assetPath: '/usr/src/app/upload/library/admin/2024/IMG_0043.JPG',
    assetFileName: 'IMG_0043.JPG',
    personId: null,
    ...overrides,
  };
}

/** GET /api/queues/:name: the summary plus one page of failed jobs. */
export function queueDetail(summary: QueueSummary, failedJobs: FailedJob[] = []): QueueDetail {
  return {
    ...summary,
    failedJobs,
    failedPage: { offset: 0, limit: 50, total: failedJobs.length },
    stale: false,
  };
}

export function queueSummary(name: string, overrides: Partial<QueueSummary> = {}): QueueSummary {
  const info = queueInfo(name);
  const activeJobs = overrides.activeJobs ?? [];
  return {
    name,
    title: info.title,
    slug: info.slug,
    isPaused: false,
    counts: { waiting: 0, paused: 0, active: activeJobs.length, delayed: 0, prioritized: 0, failed: 0 },
    workers: 1,
    rate: 0,
    avgDurationMs: null,
    etaSeconds: null,
    thresholdSeconds: info.thresholdSeconds,
    configuredThresholdSeconds: info.thresholdSeconds,
    adaptiveThresholdSeconds: null,
    conditions: [],
    lostEvents: 0,
    oldestActiveSeconds: activeJobs.length ? Math.max(...activeJobs.map((j) => j.ageSeconds)) : null,
    activeJobs,
    stuckJobs: activeJobs.filter((job) => job.state !== 'running'),
    ...overrides,
  };
}

export function status(queues: QueueSummary[], overrides: Partial<StatusResponse> = {}): StatusResponse {
  return {
    connected: true,
    immichVersion: 'v3.1.0',
    bullmqVersion: '5.80.5',
    queues: queues.length,
    totalWaiting: queues.reduce((sum, q) => sum + q.counts.waiting, 0),
    totalActive: queues.reduce((sum, q) => sum + q.counts.active, 0),
    stuckJobs: queues.reduce((sum, q) => sum + q.stuckJobs.length, 0),
    snapshotAt: new Date().toISOString(),
    stale: false,
    autoHeal: { enabled: false, action: null },
    ...overrides,
  };
}

export function instance(overrides: Partial<Instance> = {}): Instance {
  return {
    id: 'home',
    name: 'Home',
    immichUrl: 'http://photos.test',
    bridgeUrl: 'http://127.0.0.1:1',
    token: 'secret-token',
    ...overrides,
  };
}

export function snapshot(queues: QueueSummary[], overrides: Partial<InstanceSnapshot> = {}): InstanceSnapshot {
  return { instanceId: 'home', status: status(queues), queues, fetchedAt: Date.now(), error: null, ...overrides };
}

/** One queue as seen through Immich's own API; `activeJobs` dated by their first sightings. */
export function directQueue(name: string, overrides: Partial<DirectQueue> = {}): DirectQueue {
  const info = queueInfo(name);
  const activeJobs = overrides.activeJobs ?? [];
  return {
    name,
    title: info.title,
    slug: info.slug,
    isPaused: false,
    pausable: info.pausable,
    statistics: { active: activeJobs?.length ?? 0, completed: 0, failed: 0, delayed: 0, waiting: 0, paused: 0 },
    activeJobs,
    ...overrides,
  };
}

/** A snapshot of an instance without a bridge (or with its bridge down: pass `reason` and the bridge's error). */
export function directSnapshot(
  queues: DirectQueue[],
  overrides: Partial<DirectSnapshot> = {},
  snapshotOverrides: Partial<InstanceSnapshot> = {},
): InstanceSnapshot {
  const direct: DirectSnapshot = {
    reason: 'no_bridge',
    legacy: false,
    queues,
    fetchedAt: Date.now(),
    error: null,
    ...overrides,
  };
  return { instanceId: 'home', status: null, queues: [], fetchedAt: null, error: null, direct, ...snapshotOverrides };
}

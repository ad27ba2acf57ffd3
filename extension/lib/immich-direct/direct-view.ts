/**
 * What the extension knows of an instance through Immich's own API (no bridge, or the bridge down): Immich's
 * counts per queue and its active jobs, each with the time the extension first saw it active.
 */
import { queueInfo, waitingCount } from '@immich-admin-tools/shared';
import type { QueueJobResponseDto, QueueResponseDto, QueueStatisticsDto } from '@immich/sdk';
import type { BridgeError } from '../messaging.ts';

/** An active job as Immich lists it. Its data is never kept: a mail job's can hold secrets. */
export interface ObservedJob {
  jobId: string;
  name: string;
  /** ms epoch the job was queued (Immich's `timestamp`). */
  queuedAt: number;
  /**
   * ms epoch the extension first saw this job id active. Immich gives no start time: the job has been active for
   * at least now − firstSeenAt, an observed age, never a measured one.
   */
  firstSeenAt: number;
}

export interface DirectQueue {
  name: string;
  title: string;
  slug: string;
  isPaused: boolean;
  /** False for backgroundTask, which Immich refuses to pause. */
  pausable: boolean;
  statistics: QueueStatisticsDto;
  /** null: not listed (Immich before 2.4 has no job lists, or the request failed). */
  activeJobs: ObservedJob[] | null;
}

export interface DirectSnapshot {
  /** Why Immich was asked: no bridge is configured, or the configured one did not answer. */
  reason: 'no_bridge' | 'bridge_down';
  /** Immich before 2.4: counts only. */
  legacy: boolean;
  queues: DirectQueue[];
  /** ms epoch of the last good answer; queues then hold its data. */
  fetchedAt: number | null;
  error: BridgeError | null;
}

/** Per queue, the first time each active job id was seen: `{ [queue]: { [jobId]: ms } }`. */
export type Sightings = Record<string, Record<string, number>>;

/**
 * The sightings after one look at the active jobs (`listed`, per queue; null: not known this time). A job seen
 * before keeps its first time; a new one starts now; ids no longer active, and queues not listed at all, are
 * dropped. A queue whose list is unknown keeps what it had.
 */
export function trackSightings(previous: Sightings, listed: Record<string, string[] | null>, now: number): Sightings {
  const next: Sightings = {};
  for (const [queue, ids] of Object.entries(listed)) {
    const before = previous[queue] ?? {};
    const seen = ids === null ? before : Object.fromEntries(ids.map((id) => [id, before[id] ?? now]));
    if (Object.keys(seen).length > 0) next[queue] = seen;
  }
  return next;
}

/** Immich's queue with the catalogue's title and slug, and its active jobs dated by their sightings. */
export function directQueue(
  queue: QueueResponseDto,
  jobs: QueueJobResponseDto[] | null,
  sightings: Sightings,
  now: number,
): DirectQueue {
  const { title, slug, pausable } = queueInfo(queue.name);
  const activeJobs =
    jobs?.flatMap((job): ObservedJob[] =>
      job.id === undefined
        ? []
        : [
            {
              jobId: job.id,
              name: job.name,
              queuedAt: job.timestamp,
              firstSeenAt: sightings[queue.name]?.[job.id] ?? now,
            },
          ],
    ) ?? null;
  // Oldest sighting first, ties by id, so rows do not jump between polls.
  activeJobs?.sort((a, b) => a.firstSeenAt - b.firstSeenAt || Number(a.jobId) - Number(b.jobId));
  return {
    name: queue.name,
    title,
    slug,
    isPaused: queue.isPaused,
    pausable,
    statistics: queue.statistics,
    activeJobs,
  };
}

/** Said next to every observed age. */
export const OBSERVED_HINT =
  'Observed by the extension: Immich does not say when a job started. The bridge gives exact ages and recovery.';

/** "seen active for at least 5 min", "… at least 2 h 05 min"; under a minute "seen active just now". */
export function observedAgeText(firstSeenAt: number, now: number): string {
  const minutes = Math.floor(Math.max(0, now - firstSeenAt) / 60_000);
  if (minutes < 1) return 'seen active just now';
  if (minutes < 60) return `seen active for at least ${minutes} min`;
  const rest = minutes % 60;
  return `seen active for at least ${Math.floor(minutes / 60)} h${rest ? ` ${String(rest).padStart(2, '0')} min` : ''}`;
}

/** Waiting as the bridge counts it (Immich's statistics leave prioritized jobs out). */
export const directWaiting = (s: QueueStatisticsDto): number => waitingCount({ ...s, prioritized: 0 });

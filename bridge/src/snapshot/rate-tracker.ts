import type { RawActiveJob, RawQueueState } from '../redis/queue.repository.ts';
import type { StreamCursor } from '../store/state.repository.ts';

const WINDOW_MS = 5 * 60_000;
/** Below this much history a rate is too noisy to show. */
const MIN_SPAN_MS = 10_000;
/** Names of queued jobs remembered per queue; older ones fall back to "unknown" rather than grow without end. */
const MAX_NAMES = 20_000;

/** A job that finished, as read from the events stream. */
export interface FinishedJob {
  queue: string;
  jobId: string;
  jobName: string | null;
  event: 'completed' | 'failed';
  /** Stream id: unique per queue, so a restart that reads it again can tell. */
  streamId: string;
  at: number;
  durationMs: number | null;
  failedReason?: string | null;
  attempts?: number;
  stalls?: number;
  dataId?: string | null;
  assetId?: string | null;
}

export interface IngestResult {
  finished: FinishedJob[];
  /** Events trimmed before the bridge read them, found this tick. */
  lost: number;
  /** Newest stream time of a job starting or finishing, if any this tick. */
  lastActivityAt: number | null;
}

interface QueueTrack {
  cursor: string;
  trackingSince: number;
  names: Map<string, string>;
  started: Map<string, number>;
  finished: { at: number; durationMs: number | null }[];
  /** entries-added when the bridge last caught up with the stream, and events read since. */
  markAdded: number | null;
  readSinceMark: number;
  lostEvents: number;
}

const streamMs = (id: string) => Number(id.split('-')[0]);
const compareIds = (a: string, b: string) => {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
};

/**
 * Throughput and durations from each queue's events stream: Immich deletes completed jobs at once,
 * so the stream (capped near 10 000 entries) is the only record. The bridge tails it every tick and
 * counts what was trimmed before it could read it, so lost events are known, not guessed. Its cursors
 * are stored with the statistics they fed, so a restarted bridge continues where it stopped.
 */
export class RateTracker {
  private readonly tracks = new Map<string, QueueTrack>();
  private readonly restored = new Map<string, StreamCursor>();
  private watchingSince: string | null = null;

  constructor(stored: StreamCursor[] = []) {
    for (const cursor of stored) this.restored.set(cursor.queue, cursor);
  }

  /**
   * Where to read from next. On the first read, "" means "start at the stream's end": older events are
   * history the bridge did not watch. A queue first seen later was created while the bridge watched (the
   * first jobs of a new queue can finish before the next tick), so it is read from the first read on.
   */
  cursor(queue: string): string {
    return this.tracks.get(queue)?.cursor ?? this.restored.get(queue)?.lastId ?? this.watchingSince ?? '';
  }

  /** After each read: the Redis time of the first one is where queues first seen later start. */
  markRead(now: number): void {
    this.watchingSince ??= `${now}-0`;
  }

  /** The position to store with this tick's statistics. */
  cursorState(queue: string): StreamCursor | null {
    const track = this.tracks.get(queue);
    return track
      ? { queue, lastId: track.cursor, markAdded: track.markAdded, readSinceMark: track.readSinceMark }
      : null;
  }

  ingest(state: RawQueueState, now: number): IngestResult {
    const result: IngestResult = { finished: [], lost: 0, lastActivityAt: null };
    let track = this.tracks.get(state.name);
    if (!track) {
      const stored = this.restored.get(state.name);
      const fresh = !stored && this.watchingSince === null;
      track = {
        cursor: stored?.lastId ?? this.watchingSince ?? state.lastGeneratedId ?? '0-0',
        trackingSince: now,
        names: new Map(),
        started: new Map(),
        finished: [],
        // Read from a point in the middle, the stream's counter cannot tell trimmed events until caught up.
        markAdded: stored ? stored.markAdded : fresh ? state.entriesAdded : null,
        readSinceMark: stored?.readSinceMark ?? 0,
        lostEvents: 0,
      };
      this.tracks.set(state.name, track);
      // The first read starts at the end and reads nothing; a restored or later cursor goes on reading below.
      if (fresh) return result;
    }
    this.noteActive(track, state.activeJobs);
    // A stream younger than the cursor means Redis lost its data (restart without persistence): start over.
    if (state.lastGeneratedId && compareIds(state.lastGeneratedId, track.cursor) < 0) {
      track.cursor = '0-0';
      track.markAdded = 0;
      track.readSinceMark = 0;
      return result;
    }
    for (const event of state.events) {
      if (!event.jobId) continue;
      const at = streamMs(event.id);
      if (event.event === 'added') {
        if (event.name) this.remember(track, event.jobId, event.name);
      } else if (event.event === 'active') {
        track.started.set(event.jobId, at);
        result.lastActivityAt = at;
      } else if (event.event === 'completed' || event.event === 'failed') {
        const startedAt = track.started.get(event.jobId);
        track.started.delete(event.jobId);
        const durationMs = startedAt === undefined ? null : at - startedAt;
        track.finished.push({ at, durationMs });
        result.lastActivityAt = at;
        result.finished.push({
          queue: state.name,
          jobId: event.jobId,
          jobName: event.name ?? track.names.get(event.jobId) ?? null,
          event: event.event,
          streamId: event.id,
          at,
          durationMs,
          ...(event.event === 'failed'
            ? {
                failedReason: event.failedReason ?? null,
                attempts: event.attempts ?? 0,
                stalls: event.stalls ?? 0,
                dataId: event.dataId ?? null,
                assetId: event.assetId ?? null,
              }
            : {}),
        });
        // A failed job may run again (retry); a completed one is gone.
        if (event.event === 'completed') track.names.delete(event.jobId);
      } else if (event.event === 'stalled') {
        track.started.delete(event.jobId);
      }
    }
    if (state.lastReadId) track.cursor = state.lastReadId;
    track.readSinceMark += state.eventsRead;
    const caughtUp = state.lastReadId === null || state.lastReadId === state.lastGeneratedId;
    if (caughtUp && state.entriesAdded !== null) {
      if (track.markAdded !== null) {
        result.lost = Math.max(0, state.entriesAdded - track.markAdded - track.readSinceMark);
        track.lostEvents += result.lost;
      }
      track.markAdded = state.entriesAdded;
      track.readSinceMark = 0;
    }
    this.prune(track, now);
    return result;
  }

  stats(queue: string, now: number): { rate: number; avgDurationMs: number | null; lostEvents: number } {
    const track = this.tracks.get(queue);
    if (!track) return { rate: 0, avgDurationMs: null, lostEvents: 0 };
    const span = Math.min(WINDOW_MS, now - track.trackingSince);
    const recent = track.finished.filter((f) => f.at > now - WINDOW_MS);
    const rate = span < MIN_SPAN_MS ? 0 : recent.length / (span / 60_000);
    const durations = recent.map((f) => f.durationMs).filter((d): d is number => d !== null);
    const avgDurationMs = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null;
    return {
      rate: Math.round(rate * 10) / 10,
      avgDurationMs: avgDurationMs === null ? null : Math.round(avgDurationMs),
      lostEvents: track.lostEvents,
    };
  }

  forget(queue: string): void {
    this.tracks.delete(queue);
  }

  /** Jobs already active when the bridge looked: their start and name come from the job hash. */
  private noteActive(track: QueueTrack, jobs: RawActiveJob[]): void {
    for (const job of jobs) {
      if (job.processedOn !== null && !track.started.has(job.jobId)) track.started.set(job.jobId, job.processedOn);
      if (job.name && !track.names.has(job.jobId)) this.remember(track, job.jobId, job.name);
    }
  }

  private remember(track: QueueTrack, jobId: string, name: string): void {
    track.names.set(jobId, name);
    if (track.names.size > MAX_NAMES) track.names.delete(track.names.keys().next().value!);
  }

  private prune(track: QueueTrack, now: number): void {
    const cutoff = now - WINDOW_MS;
    if (track.finished.length && track.finished[0]!.at < cutoff) {
      track.finished = track.finished.filter((f) => f.at >= cutoff);
    }
    // Jobs whose end fell in a trimmed gap would stay forever.
    for (const [jobId, at] of track.started) if (at < cutoff - WINDOW_MS) track.started.delete(jobId);
  }
}

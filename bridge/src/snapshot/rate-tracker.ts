import type { RawQueueState } from '../redis/queue.repository.ts';

const WINDOW_MS = 5 * 60_000;
/** Below this much history a rate is too noisy to show. */
const MIN_SPAN_MS = 10_000;

interface Finished {
  at: number;
  durationMs: number | null;
}

interface QueueTrack {
  cursor: string;
  trackingSince: number;
  started: Map<string, number>;
  finished: Finished[];
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
 * counts what was trimmed before it could read it, so lost events are known, not guessed.
 */
export class RateTracker {
  private readonly tracks = new Map<string, QueueTrack>();

  /** Where to read from next: "" on first sight means "start at the stream's end". */
  cursor(queue: string): string {
    return this.tracks.get(queue)?.cursor ?? '';
  }

  ingest(state: RawQueueState, now: number): void {
    let track = this.tracks.get(state.name);
    if (!track) {
      track = {
        cursor: state.lastGeneratedId ?? '0-0',
        trackingSince: now,
        started: new Map(),
        finished: [],
        markAdded: state.entriesAdded,
        readSinceMark: 0,
        lostEvents: 0,
      };
      this.tracks.set(state.name, track);
      return;
    }
    // A stream younger than the cursor means Redis lost its data (restart without persistence): start over.
    if (state.lastGeneratedId && compareIds(state.lastGeneratedId, track.cursor) < 0) {
      track.cursor = '0-0';
      track.markAdded = 0;
      track.readSinceMark = 0;
      return;
    }
    for (const event of state.events) this.apply(track, event.event, event.jobId, streamMs(event.id));
    if (state.lastReadId) track.cursor = state.lastReadId;
    track.readSinceMark += state.eventsRead;
    const caughtUp = state.lastReadId === null || state.lastReadId === state.lastGeneratedId;
    if (caughtUp && state.entriesAdded !== null) {
      if (track.markAdded !== null) {
        track.lostEvents += Math.max(0, state.entriesAdded - track.markAdded - track.readSinceMark);
      }
      track.markAdded = state.entriesAdded;
      track.readSinceMark = 0;
    }
    this.prune(track, now);
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

  private apply(track: QueueTrack, event: string, jobId: string | null, at: number): void {
    if (!jobId) return;
    if (event === 'active') {
      track.started.set(jobId, at);
    } else if (event === 'completed' || event === 'failed') {
      const startedAt = track.started.get(jobId);
      track.started.delete(jobId);
      track.finished.push({ at, durationMs: startedAt === undefined ? null : at - startedAt });
    } else if (event === 'stalled') {
      track.started.delete(jobId);
    }
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

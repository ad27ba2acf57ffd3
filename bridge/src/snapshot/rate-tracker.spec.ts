import { describe, expect, it } from 'vitest';
import type { RawEvent, RawQueueState } from '../redis/queue.repository.ts';
import { RateTracker } from './rate-tracker.ts';

const state = (over: Partial<RawQueueState>): RawQueueState => ({
  name: 'q',
  counts: { waiting: 0, paused: 0, active: 0, delayed: 0, prioritized: 0, failed: 0 },
  isPaused: false,
  version: null,
  activeJobs: [],
  events: [],
  entriesAdded: 0,
  lastGeneratedId: null,
  eventsRead: 0,
  lastReadId: null,
  ...over,
});

describe('RateTracker', () => {
  it('starts at the stream’s end, then counts finishes and pairs durations', () => {
    const t = new RateTracker();
    expect(t.cursor('q')).toBe('');
    t.ingest(state({ lastGeneratedId: '1000-0', entriesAdded: 10 }), 1_000);
    expect(t.cursor('q')).toBe('1000-0');
    const events: RawEvent[] = [];
    for (let i = 0; i < 30; i++) {
      events.push({ id: `${1500 + i * 1000}-0`, event: 'added', jobId: String(i), name: 'AssetDetectFaces' });
      events.push({ id: `${2000 + i * 1000}-0`, event: 'active', jobId: String(i), name: null });
      events.push({ id: `${2400 + i * 1000}-0`, event: 'completed', jobId: String(i), name: null });
    }
    const { finished } = t.ingest(
      state({ events, eventsRead: 90, lastReadId: '31400-0', lastGeneratedId: '31400-0', entriesAdded: 100 }),
      61_000,
    );
    expect(finished).toHaveLength(30);
    expect(finished[0]).toMatchObject({ jobId: '0', jobName: 'AssetDetectFaces', event: 'completed', durationMs: 400 });
    const stats = t.stats('q', 61_000);
    expect(stats.rate).toBe(30);
    expect(stats.avgDurationMs).toBe(400);
    expect(stats.lostEvents).toBe(0);
    expect(t.cursor('q')).toBe('31400-0');
  });

  it('counts events trimmed before it could read them', () => {
    const t = new RateTracker();
    t.ingest(state({ lastGeneratedId: '1-0', entriesAdded: 100 }), 0);
    const { lost } = t.ingest(
      state({ events: [], eventsRead: 40, lastReadId: '9-0', lastGeneratedId: '9-0', entriesAdded: 300 }),
      2_000,
    );
    expect(lost).toBe(160);
    expect(t.stats('q', 2_000).lostEvents).toBe(160);
  });

  it('goes on from a stored cursor, reading what came after it, and hands back the position to store', () => {
    const t = new RateTracker([{ queue: 'q', lastId: '5-0', markAdded: 10, readSinceMark: 0 }]);
    expect(t.cursor('q')).toBe('5-0');
    const { finished, lost } = t.ingest(
      state({
        events: [{ id: '7-0', event: 'completed', jobId: '3', name: null }],
        eventsRead: 2,
        lastReadId: '7-0',
        lastGeneratedId: '7-0',
        entriesAdded: 12,
      }),
      1_000,
    );
    expect(finished.map((f) => f.jobId)).toEqual(['3']);
    expect(lost).toBe(0);
    expect(t.cursorState('q')).toEqual({ queue: 'q', lastId: '7-0', markAdded: 12, readSinceMark: 0 });
  });

  it('starts over when Redis lost the stream', () => {
    const t = new RateTracker();
    t.ingest(state({ lastGeneratedId: '5000-3', entriesAdded: 10 }), 0);
    t.ingest(state({ lastGeneratedId: '20-0', entriesAdded: 2 }), 1_000);
    expect(t.cursor('q')).toBe('0-0');
  });

  it('reads a queue created after the first read from that read on, so its first jobs count', () => {
    const t = new RateTracker();
    t.ingest(state({ name: 'old', lastGeneratedId: '900-0', entriesAdded: 50 }), 1_000);
    t.markRead(1_000);
    expect(t.cursor('old')).toBe('900-0');
    // The new queue's jobs finished before the tick that first saw it.
    expect(t.cursor('new')).toBe('1000-0');
    const { finished } = t.ingest(
      state({
        name: 'new',
        events: [
          { id: '1100-0', event: 'active', jobId: '1', name: null },
          { id: '1150-0', event: 'completed', jobId: '1', name: null },
        ],
        eventsRead: 2,
        lastReadId: '1150-0',
        lastGeneratedId: '1150-0',
        entriesAdded: 2,
      }),
      1_250,
    );
    expect(finished.map((f) => [f.jobId, f.durationMs])).toEqual([['1', 50]]);
    expect(t.cursor('new')).toBe('1150-0');
  });
});

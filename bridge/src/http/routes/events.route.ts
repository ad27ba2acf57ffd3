import type { HistoryItem, QueuesResponse } from '@immich-admin-tools/shared';
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Snapshot } from '../../snapshot/snapshot.service.ts';
import { isStale, type Deps } from '../deps.ts';

const HEARTBEAT_MS = 15_000;

/**
 * Fans each tick and history row out to every open stream: the snapshot is serialised once per tick, however
 * many clients listen, and a slow client only delays its own stream.
 */
class EventHub {
  private readonly streams = new Set<SSEStreamingApi>();
  private lastSnapshot: { snapshot: Snapshot | null; json: string } | null = null;

  constructor(private readonly deps: Deps) {
    deps.snapshots.onSnapshot(() => {
      if (this.streams.size > 0) this.broadcast('snapshot', this.snapshotJson());
    });
    deps.history.onRow((item: HistoryItem) => {
      if (this.streams.size > 0) this.broadcast('history', JSON.stringify(item));
    });
  }

  /** The same JSON as GET /api/queues. */
  snapshotJson(): string {
    const snapshot = this.deps.snapshots.snapshot;
    if (this.lastSnapshot?.snapshot !== snapshot || snapshot === null) {
      const body: QueuesResponse = {
        queues: snapshot?.queues ?? [],
        snapshotAt: snapshot ? new Date(snapshot.at).toISOString() : null,
        stale: isStale(this.deps),
      };
      this.lastSnapshot = { snapshot, json: JSON.stringify(body) };
    }
    return this.lastSnapshot.json;
  }

  add(stream: SSEStreamingApi): () => void {
    this.streams.add(stream);
    return () => this.streams.delete(stream);
  }

  private broadcast(event: string, data: string): void {
    if (this.streams.size === 0) return;
    for (const stream of this.streams) {
      stream.writeSSE({ event, data }).catch(() => this.streams.delete(stream));
    }
  }
}

export const eventsRoutes = (deps: Deps) => {
  const hub = new EventHub(deps);
  return new Hono().get('/', (c) => {
    c.header('cache-control', 'no-store');
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      const remove = hub.add(stream);
      await stream.writeSSE({ event: 'snapshot', data: hub.snapshotJson() });
      const heartbeat = setInterval(() => {
        stream.writeSSE({ event: 'heartbeat', data: String(Date.now()) }).catch(() => {});
      }, HEARTBEAT_MS);
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      clearInterval(heartbeat);
      remove();
    });
  });
};

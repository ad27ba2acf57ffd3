/**
 * The bridge's Server-Sent Events (`GET /api/events`), read with fetch so the token goes in a header
 * (EventSource cannot send one). Used while a popup or Jobs page is open: each tick arrives as it happens.
 */
import type { QueuesResponse } from '@immich-admin-tools/shared';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { BridgeTarget } from './bridge-client.ts';

/** A stream that sends nothing (not even its 15 s heartbeat) for this long is dead. */
const SILENCE_MS = 40_000;

export interface EventStreamHandlers {
  onSnapshot(body: QueuesResponse): void;
}

/**
 * Reads events until `signal` aborts or the stream fails; resolves when it ends. Rejects when the bridge does
 * not offer the stream at all (older bridge, wrong token): the caller falls back to polling.
 */
export async function readEventStream(
  target: BridgeTarget,
  handlers: EventStreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  const silence = new AbortController();
  const abort = AbortSignal.any([signal, silence.signal]);
  const response = await fetch(`${target.bridgeUrl}/api/events`, {
    headers: { Authorization: `Bearer ${target.token}`, Accept: 'text/event-stream' },
    signal: abort,
    cache: 'no-store',
  });
  if (!response.ok || !response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`no event stream (${response.status})`);
  }
  let timer = setTimeout(() => silence.abort(), SILENCE_MS);
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      clearTimeout(timer);
      timer = setTimeout(() => silence.abort(), SILENCE_MS);
      if (value.event === 'snapshot') handlers.onSnapshot(JSON.parse(value.data) as QueuesResponse);
    }
  } catch (error) {
    if (abort.aborted) return;
    throw error;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

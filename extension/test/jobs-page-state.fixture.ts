/**
 * A JobsPageState whose background answers from `answers` (one function per message type; any other message
 * fails the test), with every call it sent recorded.
 */
import { vi } from 'vitest';
import type { ProtocolMap } from '../lib/messaging.ts';
import { JobsPageState, type Send } from '../lib/state/jobs-page.svelte.ts';
import { instance } from './snapshot.factory.ts';

export type Calls = { type: keyof ProtocolMap; data: unknown }[];

export function withBackground(answers: Partial<Record<keyof ProtocolMap, (data: never) => unknown>>) {
  const calls: Calls = [];
  const send = vi.fn(async (type: keyof ProtocolMap, data: unknown) => {
    calls.push({ type, data });
    const answer = answers[type];
    if (!answer) throw new Error(`unexpected message ${type}`);
    return answer(data as never);
  });
  const state = new JobsPageState(send as unknown as Send);
  state.setInstance(instance());
  return { state, calls };
}

/** The Inspect view: one queue's Redis keys, events and workers, a job's raw hash, and the read-only console. */
import type { InspectCommandResponse, InspectJobResponse, InspectQueueResponse } from '@immich-admin-tools/shared';
import type { BridgeError } from '../../lib/messaging.ts';
import { ask, type Send } from '../../lib/state/insights.svelte.ts';

interface Loaded<T> {
  loading: boolean;
  data: T | null;
  error: BridgeError | null;
}

const idle = <T>(): Loaded<T> => ({ loading: false, data: null, error: null });

/** `HGET "immich_bull:q:1" data` → ['HGET', 'immich_bull:q:1', 'data']: words, double quotes keep spaces. */
export function splitCommandLine(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

export class InspectState {
  queue = $state('');
  jobId = $state('');
  line = $state('');
  view = $state.raw<Loaded<InspectQueueResponse>>(idle());
  job = $state.raw<Loaded<InspectJobResponse>>(idle());
  output = $state.raw<Loaded<InspectCommandResponse>>(idle());
  #send: Send;
  #instanceId: () => string | null;

  constructor(
    send: Send,
    instanceId: () => string | null,
    start: { queue?: string | null; jobId?: string | null } = {},
  ) {
    this.#send = send;
    this.#instanceId = instanceId;
    this.queue = start.queue ?? '';
    this.jobId = start.jobId ?? '';
  }

  /** Loads the chosen queue, and the chosen job when one is named (a job row's "Raw" link). */
  async load(): Promise<void> {
    await Promise.all([this.loadQueue(), this.jobId ? this.loadJob() : Promise.resolve()]);
  }

  async loadQueue(queue = this.queue): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId || !queue) return;
    this.queue = queue;
    this.view = { ...this.view, loading: true, error: null };
    const result = await ask(() => this.#send('inspectQueue', { instanceId, queue, events: 20 }));
    this.view = result.ok
      ? { loading: false, data: result.data, error: null }
      : { loading: false, data: null, error: result.error };
  }

  async loadJob(jobId = this.jobId): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId || !this.queue || !jobId) return;
    this.jobId = jobId;
    this.job = { ...this.job, loading: true, error: null };
    const result = await ask(() => this.#send('inspectJob', { instanceId, queue: this.queue, jobId }));
    this.job = result.ok
      ? { loading: false, data: result.data, error: null }
      : { loading: false, data: null, error: result.error };
  }

  async run(line = this.line): Promise<void> {
    const instanceId = this.#instanceId();
    const [command, ...args] = splitCommandLine(line);
    if (!instanceId || !command) return;
    this.line = line;
    this.output = { ...this.output, loading: true, error: null };
    const result = await ask(() => this.#send('inspectCommand', { instanceId, command, args }));
    this.output = result.ok
      ? { loading: false, data: result.data, error: null }
      : { loading: false, data: null, error: result.error };
  }
}

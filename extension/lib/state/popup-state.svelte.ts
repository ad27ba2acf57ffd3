/** The popup's state: instances, their live snapshots (via the live port) and the actions on them. */
import { browser, type Browser } from 'wxt/browser';
import type { ClearMode } from '@immich-admin-tools/shared';
import { actionErrorMessage } from '../bridge-errors.ts';
import { instanceOrigins } from '../instance-url.ts';
import {
  LIVE_PORT,
  sendMessage,
  type BridgeResult,
  type Instance,
  type InstanceSnapshot,
  type LiveSnapshotMessage,
} from '../messaging.ts';

export interface Notice {
  tone: 'success' | 'danger';
  text: string;
}

export class PopupState {
  instances = $state<Instance[]>([]);
  snapshots = $state<Record<string, InstanceSnapshot>>({});
  loaded = $state(false);
  loadError = $state<string | null>(null);
  /** `<instanceId>/<queue>/<action>` keys of requests in flight. */
  busy = $state<Record<string, boolean>>({});
  notices = $state<Record<string, Notice>>({});
  #port: Browser.runtime.Port | undefined;

  async start(): Promise<void> {
    try {
      const [instances, snapshots] = await Promise.all([sendMessage('getInstances'), sendMessage('getSnapshots')]);
      this.instances = instances;
      this.snapshots = Object.fromEntries(snapshots.map((s) => [s.instanceId, s]));
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    }
    this.loaded = true;
    this.#connect();
  }

  stop(): void {
    this.#port?.disconnect();
    this.#port = undefined;
  }

  /** The live port makes the background poll every 2 s while the popup is open. */
  #connect(): void {
    try {
      this.#port = browser.runtime.connect({ name: LIVE_PORT });
      this.#port.onMessage.addListener((message: unknown) => {
        const live = message as LiveSnapshotMessage;
        if (live?.type === 'snapshot') this.snapshots[live.snapshot.instanceId] = live.snapshot;
      });
    } catch {
      // No live port (tests, a closing popup): the snapshot loaded at start stays.
    }
  }

  isBusy(instanceId: string, queue: string, action: string): boolean {
    return this.busy[`${instanceId}/${queue}/${action}`] ?? false;
  }

  async #run<T>(
    instanceId: string,
    queue: string,
    action: string,
    call: () => Promise<BridgeResult<T>>,
    success: (data: T) => string,
  ): Promise<void> {
    const key = `${instanceId}/${queue}/${action}`;
    this.busy[key] = true;
    try {
      const result = await call();
      this.notices[instanceId] = result.ok
        ? { tone: 'success', text: success(result.data) }
        : { tone: 'danger', text: actionErrorMessage(result.error) };
      if (result.ok) await this.refresh(instanceId);
    } catch (error) {
      this.notices[instanceId] = { tone: 'danger', text: error instanceof Error ? error.message : String(error) };
    } finally {
      this.busy[key] = false;
    }
  }

  clearStuck(instanceId: string, queue: string, mode: ClearMode): Promise<void> {
    return this.#run(
      instanceId,
      queue,
      'clear',
      () => sendMessage('clearStuck', { instanceId, queue, mode }),
      (r) => {
        const held = r.slotsStillHeld ? ` ${r.slotsStillHeld} worker slot(s) stay taken until Immich restarts.` : '';
        const skipped = r.skipped.length ? ` ${r.skipped.length} skipped.` : '';
        return `Cleared ${r.cleared} stuck job${r.cleared === 1 ? '' : 's'} (${mode}).${skipped}${held}`;
      },
    );
  }

  /** Quarantines a stuck job's asset: its jobs are removed before they run, until it is released. */
  quarantine(instanceId: string, queue: string, assetId: string): Promise<void> {
    return this.#run(
      instanceId,
      queue,
      `quarantine:${assetId}`,
      () => sendMessage('setQuarantine', { instanceId, assetId, quarantined: true }),
      () => 'Asset quarantined: its jobs are removed before they run, until it is released in Insights.',
    );
  }

  setPaused(instanceId: string, queue: string, paused: boolean): Promise<void> {
    return this.#run(
      instanceId,
      queue,
      'pause',
      () => sendMessage(paused ? 'pauseQueue' : 'resumeQueue', { instanceId, queue }),
      (r) => `${r.queue} ${r.isPaused ? 'paused' : 'resumed'}.`,
    );
  }

  clearFailed(instanceId: string, queue: string): Promise<void> {
    return this.#run(
      instanceId,
      queue,
      'clear-failed',
      () => sendMessage('clearFailed', { instanceId, queue }),
      (r) => `Cleared ${r.count} failed job${r.count === 1 ? '' : 's'} of ${r.queue}.`,
    );
  }

  setImportMode(instanceId: string, enabled: boolean): Promise<void> {
    return this.#run(
      instanceId,
      '',
      'import-mode',
      () => sendMessage('setImportMode', { instanceId, update: { enabled } }),
      (r) => (r.enabled ? 'Import mode is on.' : 'Import mode is off.'),
    );
  }

  async refresh(instanceId: string): Promise<void> {
    this.snapshots[instanceId] = await sendMessage('refresh', { instanceId });
  }

  dismissNotice(instanceId: string): void {
    delete this.notices[instanceId];
  }

  openJobsPage(instanceId: string, slug?: string): void {
    void sendMessage('openJobsPage', { instanceId, ...(slug ? { slug } : {}) });
  }

  openHistory(instanceId: string): void {
    void sendMessage('openHistory', { instanceId });
  }

  /**
   * Click handler of "Grant access": permissions.request first, nothing awaited before it (Firefox refuses the
   * request otherwise). The background registers the Jobs page script when access is added.
   */
  grantAccess(instanceId: string): Promise<void> {
    const instance = this.instances.find((i) => i.id === instanceId);
    if (!instance) return Promise.resolve();
    const granted = browser.permissions.request({ origins: instanceOrigins(instance) });
    return this.#afterGrant(instanceId, granted);
  }

  async #afterGrant(instanceId: string, granted: Promise<boolean>): Promise<void> {
    let ok = false;
    try {
      ok = await granted;
    } catch (error) {
      this.notices[instanceId] = { tone: 'danger', text: error instanceof Error ? error.message : String(error) };
      return;
    }
    if (!ok) {
      this.notices[instanceId] = {
        tone: 'danger',
        text: 'Access was not granted: the extension cannot reach this bridge.',
      };
      return;
    }
    delete this.notices[instanceId];
    await this.refresh(instanceId);
  }

  openOptions(): void {
    void browser.runtime.openOptionsPage();
  }
}

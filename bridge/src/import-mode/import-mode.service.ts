import type { ImportModeResponse, ImportModeUpdate } from '@immich-admin-tools/shared';
import type { ActionsService } from '../actions/actions.service.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { SnapshotService } from '../snapshot/snapshot.service.ts';
import type { SettingsService } from '../store/settings.service.ts';
import type { ImportModeSettings } from './import-mode-settings.ts';
import type { ImportModeRepository } from './import-mode.repository.ts';
import { offSteps, planImport } from './import-plan.ts';

export interface ImportModeDeps {
  actions: ActionsService;
  snapshots: SnapshotService;
  repository: ImportModeRepository;
  settings: SettingsService;
  current: () => ImportModeSettings;
  /** False without IMMICH_API_URL/KEY: pause and resume go through Immich's API. */
  canPause: boolean;
  logger: Logger;
}

/**
 * Runs the queues of a big import one after the other: after each snapshot it pauses the steps behind the
 * first one with work and resumes the next when it drains, through Immich's API like any pause. It resumes
 * only what it paused itself (kept in the store, so a restart continues), and switched off gives all of it back.
 */
export class ImportModeService {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Holds the admin lifted by hand: left to run until import mode is switched off. */
  private readonly released = new Set<string>();
  /** The last failure per queue, so an Immich outage is logged once, not every tick. */
  private readonly failures = new Map<string, string>();
  private revisionCount = 0;
  private readonly offSnapshot: () => void;
  private readonly offChange: () => void;

  constructor(private readonly deps: ImportModeDeps) {
    this.offSnapshot = deps.snapshots.onSnapshot(() => this.poke());
    this.offChange = deps.settings.onChange('importMode', () => {
      this.revisionCount++;
      this.poke();
    });
  }

  /** Changes with the settings and with each hold taken or given back. */
  get revision(): number {
    return this.revisionCount;
  }

  view(): ImportModeResponse {
    const { enabled, order } = this.deps.current();
    const queues = this.deps.snapshots.snapshot?.queues ?? [];
    if (!enabled) return { enabled, order, running: null, steps: offSteps(order, queues) };
    const plan = planImport(order, queues, this.deps.repository.held(), this.released);
    return { enabled, order, running: plan.running, steps: plan.steps };
  }

  status(): { enabled: boolean; running: string | null; steps: ImportModeResponse['steps'] } {
    const { enabled, running, steps } = this.view();
    return { enabled, running, steps };
  }

  /** PUT /api/import-mode: validated as the settings section, then applied at once. */
  async update(change: ImportModeUpdate): Promise<ImportModeResponse> {
    if (change.enabled === true && !this.deps.canPause) {
      throw new AppError(
        'IMMICH_NOT_CONFIGURED',
        503,
        "Import mode pauses queues through Immich's API: set IMMICH_API_URL and IMMICH_API_KEY",
      );
    }
    this.deps.settings.update({ importMode: { ...change } });
    await this.settle();
    return this.view();
  }

  /** Waits for the passes in progress and any they started. */
  async settle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.offSnapshot();
    this.offChange();
    await this.settle();
  }

  private poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.pass();
      } catch (error) {
        this.deps.logger.error(
          { err: error instanceof Error ? error.message : String(error) },
          'import mode pass failed',
        );
      }
    } while (this.again && !this.stopped);
  }

  private async pass(): Promise<void> {
    const snapshot = this.deps.snapshots.snapshot;
    if (!snapshot || !this.deps.snapshots.isConnected) return;
    const { enabled, order } = this.deps.current();
    const held = this.deps.repository.held();
    if (!enabled) {
      this.released.clear();
      for (const queue of held) {
        const summary = snapshot.queues.find((q) => q.name === queue);
        // Gone from Redis, or already resumed by someone else: nothing left to give back.
        if (!summary?.isPaused) this.forget(queue);
        else if (await this.command(queue, false)) this.forget(queue);
      }
      return;
    }
    const plan = planImport(order, snapshot.queues, held, this.released);
    for (const queue of plan.lost) {
      this.deps.logger.info({ queue }, 'queue resumed by hand while import mode held it: left to run');
      this.released.add(queue);
      this.forget(queue);
    }
    for (const queue of plan.resume) {
      if (await this.command(queue, false)) this.forget(queue);
    }
    for (const queue of plan.pause) {
      // Held before the call: a crash in between leaves a hold on a running queue, which is then simply forgotten.
      this.deps.repository.hold(queue, Date.now());
      this.revisionCount++;
      if (!(await this.command(queue, true))) this.forget(queue);
    }
  }

  private forget(queue: string): void {
    this.deps.repository.release(queue);
    this.revisionCount++;
  }

  /** One pause or resume through Immich, recorded with actor import-mode; false when it did not happen. */
  private async command(queue: string, paused: boolean): Promise<boolean> {
    try {
      await this.deps.actions.setPaused(queue, paused, 'import-mode');
      this.failures.delete(queue);
      this.deps.logger.info({ queue, paused }, paused ? 'import mode holds queue' : 'import mode resumes queue');
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.failures.get(queue) !== message) {
        this.deps.logger.warn({ queue, paused, err: message }, 'import mode could not change a queue; retrying');
      }
      this.failures.set(queue, message);
      return false;
    }
  }
}

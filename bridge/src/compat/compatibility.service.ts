import type { Compatibility } from '@immich-admin-tools/shared';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { assessCompatibility } from './compatibility.ts';

/** Where the versions come from: Immich's API and `meta.version` in Redis, as the bridge last saw them. */
export interface SeenVersions {
  immichVersion(): string | null;
  bullmqVersion(): string | null;
}

/** Immich's and BullMQ's versions against the tested ones: warns once per change, guards destructive actions. */
export class CompatibilityService {
  #last: { key: string; value: Compatibility } | null = null;

  constructor(
    private readonly seen: SeenVersions,
    private readonly allowUntested: boolean,
    private readonly logger: Logger,
  ) {}

  current(): Compatibility {
    const immichVersion = this.seen.immichVersion();
    const bullmqVersion = this.seen.bullmqVersion();
    const key = `${immichVersion}|${bullmqVersion}`;
    if (this.#last?.key === key) return this.#last.value;
    const value = assessCompatibility({ immichVersion, bullmqVersion, allowUntested: this.allowUntested });
    // Logged when the verdict is made (start-up, an upgrade seen later), never once per request.
    if (value.reason) this.logger.warn({ immich: immichVersion, bullmq: bullmqVersion }, value.reason);
    this.#last = { key, value };
    return value;
  }

  /**
   * For a loop that writes to Immich's queues by itself (quarantine, auto-heal): a check to call before each
   * write, false while actions are refused. It logs to the loop's `logger` when the loop starts skipping and
   * when it may act again, once per change, never once per tick.
   */
  writeGate(what: string, logger: Logger): () => boolean {
    let skipping = false;
    return () => {
      const { actionsAllowed, reason } = this.current();
      if (actionsAllowed !== skipping) return actionsAllowed;
      skipping = !actionsAllowed;
      if (skipping) logger.warn({ reason }, `${what} skipped: ${reason}`);
      else logger.info(`${what} resumed: the BullMQ version in Redis allows it again`);
      return actionsAllowed;
    };
  }

  /** Throws 409 UNTESTED_VERSION, with the reason, before a write to Immich's queues on an untested BullMQ major. */
  assertActionsAllowed(): void {
    const compatibility = this.current();
    if (!compatibility.actionsAllowed) throw new AppError('UNTESTED_VERSION', 409, compatibility.reason!);
  }
}

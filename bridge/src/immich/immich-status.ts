import type { Logger } from '../logger.ts';
import { ImmichError, type ImmichRepository } from './immich.repository.ts';

const CHECK_INTERVAL_MS = 30_000;

/** Whether Immich answers and which version it runs, checked in the background; each change is logged once. */
export class ImmichStatus {
  private reachable = false;
  /** Nothing logged yet: the first check always says how it went. */
  private checked = false;
  private currentVersion: string | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly immich: ImmichRepository | null,
    private readonly url: string | null,
    private readonly logger: Logger,
  ) {}

  get isReachable(): boolean {
    return this.reachable;
  }

  get version(): string | null {
    return this.currentVersion;
  }

  async start(): Promise<void> {
    if (!this.immich) return;
    await this.check();
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async check(): Promise<void> {
    if (!this.immich) return;
    try {
      this.currentVersion = await this.immich.version();
      if (!this.reachable) {
        const what = this.checked ? `Immich is back at ${this.url}` : `Immich ${this.currentVersion} at ${this.url}`;
        this.logger.info({ immich: this.url, version: this.currentVersion }, what);
      }
      this.reachable = true;
    } catch (error) {
      if (this.reachable || !this.checked) {
        const reason = error instanceof ImmichError && error.status ? `answered ${error.status}` : errorReason(error);
        this.logger.warn(
          { immich: this.url, reason },
          `cannot reach Immich at ${this.url} (${reason}); retrying every ${CHECK_INTERVAL_MS / 1000} s`,
        );
      }
      this.reachable = false;
    }
    this.checked = true;
  }
}

/** fetch hides the cause (ECONNREFUSED, a timeout) behind "fetch failed". */
function errorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED/.test(message)) return 'connection refused';
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'host not found';
  if (/abort|timeout/i.test(message)) return 'timeout';
  return message;
}

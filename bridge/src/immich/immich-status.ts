import type { Logger } from '../logger.ts';
import type { ImmichRepository } from './immich.repository.ts';

const CHECK_INTERVAL_MS = 30_000;

/** Whether Immich answers and which version it runs, checked in the background. */
export class ImmichStatus {
  private reachable = false;
  private currentVersion: string | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly immich: ImmichRepository | null,
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
      if (!this.reachable) this.logger.info({ version: this.currentVersion }, 'Immich reachable');
      this.reachable = true;
    } catch (error) {
      if (this.reachable) this.logger.warn({ err: String(error) }, 'Immich not reachable');
      this.reachable = false;
    }
  }
}

import type { HistoryActor, RestartResponse, RestartStatus } from '@immich-admin-tools/shared';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Snapshot, SnapshotService } from '../snapshot/snapshot.service.ts';
import type { HistoryService } from '../store/history.service.ts';
import { DockerError, type DockerRepository } from './docker.repository.ts';

/** Jobs a restart must never cut short: a half-written backup or a half-moved library. */
export const RESTART_BLOCKING_QUEUES = ['backupDatabase', 'storageTemplateMigration'] as const;
/** Workers not back after this: recorded as such, and restarts are allowed again. */
const WORKERS_BACK_TIMEOUT_MS = 5 * 60_000;
/** What a caller is told to wait while a restart runs (its own length is unknown). */
const IN_PROGRESS_RETRY_SECONDS = 30;
/**
 * While Docker control is unavailable it is looked for again: soon at first (a socket proxy that starts with
 * the bridge, or after it), then less and less often, down to once a minute. Never on a request.
 */
const PROBE_FIRST_DELAY_MS = 1000;
const PROBE_MAX_DELAY_MS = 60_000;

interface Watch {
  actor: HistoryActor;
  askedAt: number;
  restartedAt: number;
  /** Queues that had workers before: the restart is over when each has one again. */
  queues: string[];
  detail: Record<string, unknown>;
}

/**
 * Restarts immich_server through the Docker Engine API (the only thing that frees a slot a hung processor
 * holds), at most once per cooldown, and records `immich_restarted` once its workers are back.
 */
export class RestartService {
  private current: RestartStatus;
  private lastRestartAt: number | null = null;
  private watch: Watch | null = null;
  private busy = false;
  private revisionCount = 0;
  private probed = false;
  private probeTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly docker: DockerRepository,
    private readonly snapshots: SnapshotService,
    private readonly history: HistoryService,
    private readonly cooldownMinutes: () => number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.current = { available: false, container: docker.container, reason: 'not checked yet' };
    this.unsubscribe = snapshots.onSnapshot((snapshot) => this.checkWorkers(snapshot));
  }

  get status(): RestartStatus {
    return this.current;
  }

  /** Changes whenever `status` or the restart state does (status caches key on it). */
  get revision(): number {
    return this.revisionCount;
  }

  get inProgress(): boolean {
    return this.busy;
  }

  /** The first look at Docker control; while it is unavailable, later ones follow on their own. */
  async start(): Promise<void> {
    await this.probe(PROBE_FIRST_DELAY_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    this.unsubscribe();
  }

  /**
   * GET /containers/{name}/json: whether restarts can work here, and why not. Once available it is not asked
   * again; until then it is, after `delayMs`, then twice as long. Logged when first unavailable and when it
   * becomes available, not on every look.
   */
  private async probe(delayMs: number): Promise<void> {
    const first = !this.probed;
    this.probed = true;
    try {
      const info = await this.docker.inspect();
      this.setStatus({
        available: true,
        container: info.name,
        reason: info.running ? null : `container ${info.name} is not running`,
      });
      if (!first) this.logger.info({ container: info.name }, 'Immich restarts are available now');
    } catch (error) {
      const reason = this.explain(error);
      if (first || reason !== this.current.reason) {
        this.setStatus({ available: false, container: this.docker.container, reason });
      }
      if (first) this.logger.info({ reason }, 'Immich restarts are not available; the bridge keeps looking');
      if (this.stopped) return;
      this.probeTimer = setTimeout(() => {
        this.probeTimer = null;
        void this.probe(Math.min(delayMs * 2, PROBE_MAX_DELAY_MS));
      }, delayMs);
      this.probeTimer.unref();
    }
  }

  /** A queue whose active job a restart would cut short, if any. */
  blockedBy(snapshot: Snapshot | null): string | null {
    const queue = snapshot?.queues.find(
      (q) => (RESTART_BLOCKING_QUEUES as readonly string[]).includes(q.name) && q.counts.active > 0,
    );
    return queue?.name ?? null;
  }

  /** Throws the refusal a restart asked for now would get (503 not configured, 409 running or cooling down). */
  check(): void {
    if (!this.current.available) {
      throw new AppError(
        'NOT_CONFIGURED',
        503,
        `Docker control is not configured: ${this.current.reason ?? 'unknown'}. Give the bridge a socket proxy that ` +
          'allows container restarts (compose: --profile restart, DOCKER_HOST=tcp://docker-socket-proxy:2375) and ' +
          'set IMMICH_CONTAINER_NAME; the bridge looks for it again at least once a minute.',
      );
    }
    if (this.busy) {
      throw new AppError('CONFLICT', 409, 'A restart of Immich is under way', undefined, IN_PROGRESS_RETRY_SECONDS);
    }
    const wait = this.cooldownLeftSeconds();
    if (wait > 0) {
      throw new AppError(
        'CONFLICT',
        409,
        `Immich was restarted less than ${this.cooldownMinutes()} minutes ago (RESTART_COOLDOWN_MINUTES); ` +
          `try again in ${Math.ceil(wait / 60)} min`,
        undefined,
        wait,
      );
    }
  }

  cooldownLeftSeconds(): number {
    if (this.lastRestartAt === null) return 0;
    return Math.max(0, Math.ceil((this.lastRestartAt + this.cooldownMinutes() * 60_000 - this.now()) / 1000));
  }

  /** Restarts the container now (after `check`); `immich_restarted` follows once the workers are back. */
  async restart(actor: HistoryActor, detail: Record<string, unknown> = {}): Promise<RestartResponse> {
    this.check();
    const docker = this.docker;
    this.busy = true;
    this.revisionCount++;
    const askedAt = this.now();
    const queues = (this.snapshots.snapshot?.queues ?? []).filter((q) => q.workers > 0).map((q) => q.name);
    this.logger.warn({ actor, container: docker.container, ...detail }, 'restarting Immich');
    try {
      await docker.restart();
    } catch (error) {
      this.busy = false;
      this.revisionCount++;
      const reason = this.explain(error);
      this.logger.error({ reason }, 'Immich restart failed');
      throw new AppError('DOCKER_UNAVAILABLE', 502, `Docker did not restart ${docker.container}: ${reason}`);
    }
    this.lastRestartAt = this.now();
    this.watch = { actor, askedAt, restartedAt: this.lastRestartAt, queues, detail };
    return { restarted: true, container: docker.container, at: new Date(askedAt).toISOString() };
  }

  private checkWorkers(snapshot: Snapshot): void {
    const watch = this.watch;
    if (!watch || snapshot.at <= watch.restartedAt) return;
    const workers = new Map(snapshot.queues.map((q) => [q.name, q.workers]));
    const back =
      watch.queues.length > 0
        ? watch.queues.every((name) => (workers.get(name) ?? 0) > 0)
        : snapshot.queues.some((q) => q.workers > 0);
    const timedOut = snapshot.at - watch.restartedAt > WORKERS_BACK_TIMEOUT_MS;
    if (!back && !timedOut) return;
    this.watch = null;
    this.busy = false;
    this.revisionCount++;
    const seconds = Math.round((snapshot.at - watch.askedAt) / 100) / 10;
    this.history.record({
      event: 'immich_restarted',
      actor: watch.actor,
      ageSeconds: seconds,
      detail: {
        container: this.docker.container,
        workersBack: back,
        workersBackSeconds: back ? seconds : null,
        queues: watch.queues,
        ...watch.detail,
      },
    });
    this.logger.info(
      { seconds, workersBack: back },
      back ? 'Immich workers are back' : 'Immich workers did not come back',
    );
  }

  private setStatus(status: RestartStatus): void {
    this.current = status;
    this.revisionCount++;
  }

  private explain(error: unknown): string {
    const container = this.docker.container;
    if (!(error instanceof DockerError)) return String(error);
    if (error.status === 404) return `no container named ${container} (set IMMICH_CONTAINER_NAME)`;
    if (error.status === 403)
      return `the Docker socket proxy refused (${error.message}); allow CONTAINERS=1 and ALLOW_RESTARTS=1`;
    // No answer at all (no socket, no proxy started, DNS): say where it looked.
    if (error.status === null) return `no Docker API at ${this.docker.host} (${error.message})`;
    return `Docker answered ${error.status}: ${error.message}`;
  }
}

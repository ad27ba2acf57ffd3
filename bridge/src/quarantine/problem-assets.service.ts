import type {
  HistoryActor,
  HistoryItem,
  ProblemAsset,
  ProblemAssetSort,
  ProblemAssetsResponse,
  QuarantineResponse,
} from '@immich-admin-tools/shared';
import { CLEARED_REASON } from '../actions/actions.service.ts';
import type { AssetCache } from '../assets/asset-cache.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { HistoryService } from '../store/history.service.ts';
import type { Problem, ProblemAssetRepository, ProblemRow } from './problem-asset.repository.ts';
import type { QuarantineSettings } from './quarantine-settings.ts';

export const QUARANTINED_REASON = 'quarantined by Immich Admin Tools';

/** Failures the bridge caused itself are not new problems of the asset. */
const OWN_REASONS = new Set([CLEARED_REASON, QUARANTINED_REASON]);

/** What a history row says about an asset's trouble, if anything. */
function problemOf(item: HistoryItem): Problem | null {
  if (!item.assetId) return null;
  const at = Date.parse(item.timestamp);
  const base = { assetId: item.assetId, assetPath: item.assetPath, queue: item.queue, jobName: item.jobName, at };
  if (item.event === 'stuck_job_detected') {
    const stuckInQueue = typeof item.detail?.stuckInQueue === 'number' ? item.detail.stuckInQueue : 1;
    return { ...base, kind: 'stuck', error: null, systemic: stuckInQueue > 1 };
  }
  // Cleared before the classifier called it stuck (auto-heal's own threshold, or forced): stuck all the same.
  if (item.event === 'stuck_job_cleared' && item.detail?.result === 'cleared' && item.detail.state === 'running') {
    return { ...base, kind: 'stuck', error: null };
  }
  if (item.event === 'job_failed') {
    const reason = typeof item.detail?.failedReason === 'string' ? item.detail.failedReason : null;
    if (reason && OWN_REASONS.has(reason)) return null;
    return { ...base, kind: 'failed', error: reason };
  }
  return null;
}

const encodeCursor = (value: number, assetId: string) =>
  Buffer.from(JSON.stringify([value, assetId])).toString('base64url');

function decodeCursor(cursor: string): { value: number; assetId: string } {
  try {
    const [value, assetId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof value === 'number' && typeof assetId === 'string') return { value, assetId };
  } catch {
    // falls through to the 400
  }
  throw new AppError('BAD_REQUEST', 400, 'before: not a cursor from a previous page');
}

const SORT_VALUE: Record<ProblemAssetSort, (row: ProblemRow) => number> = {
  lastSeen: (row) => row.lastSeen,
  timesStuck: (row) => row.timesStuck,
  timesFailed: (row) => row.timesFailed,
};

/**
 * Assets whose jobs got stuck or failed, folded from history rows as they are written, and which of them are
 * quarantined: by hand, or by themselves after `quarantine.after` stuck-or-failed events.
 */
export class ProblemAssetsService {
  private readonly quarantined: Set<string>;
  private readonly pending: Problem[] = [];

  constructor(
    private readonly repository: ProblemAssetRepository,
    private readonly history: HistoryService,
    private readonly assets: AssetCache,
    private readonly settings: () => QuarantineSettings,
    private readonly logger: Logger,
  ) {
    this.quarantined = new Set(repository.quarantinedIds());
    history.onRow((item) => this.row(item));
  }

  /** Quarantined asset ids right now. */
  get quarantinedIds(): ReadonlySet<string> {
    return this.quarantined;
  }

  list(query: { sort: ProblemAssetSort; limit: number; before?: string }): ProblemAssetsResponse {
    const before = query.before ? decodeCursor(query.before) : null;
    const rows = this.repository.page(query.sort, query.limit + 1, before);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => this.toAsset(row)),
      nextBefore: rows.length > query.limit && last ? encodeCursor(SORT_VALUE[query.sort](last), last.assetId) : null,
    };
  }

  quarantine(assetId: string, actor: HistoryActor, detail: Record<string, unknown> | null = null): QuarantineResponse {
    if (this.repository.setQuarantined(assetId, true, Date.now())) {
      this.quarantined.add(assetId);
      this.logger.info({ assetId, actor }, 'asset quarantined');
      this.history.record({ event: 'asset_quarantined', actor, assetId, detail });
    }
    return { assetId, quarantined: true };
  }

  release(assetId: string, actor: HistoryActor): QuarantineResponse {
    if (this.repository.setQuarantined(assetId, false, Date.now())) {
      this.quarantined.delete(assetId);
      this.logger.info({ assetId, actor }, 'asset released');
      this.history.record({ event: 'asset_released', actor, assetId });
    }
    return { assetId, quarantined: false };
  }

  /** Rows of one tick arrive one by one in the same call: they are folded together, in one transaction. */
  private row(item: HistoryItem): void {
    const problem = problemOf(item);
    if (!problem) return;
    this.pending.push(problem);
    if (this.pending.length > 1) return;
    queueMicrotask(() => {
      try {
        this.flush();
      } catch (error) {
        this.logger.error({ err: String(error) }, 'problem assets not updated');
      }
    });
  }

  private flush(): void {
    const after = this.settings().after;
    const problems = this.pending.splice(0);
    // An ML outage hangs every asset in several queues at once: only a problem of the asset's own can quarantine it.
    const own = new Set(problems.filter((problem) => !problem.systemic).map((problem) => problem.assetId));
    for (const row of this.repository.addAll(problems)) {
      if (after > 0 && own.has(row.assetId) && !row.quarantined && row.timesStuck + row.timesFailed >= after) {
        this.quarantine(row.assetId, 'quarantine', { timesStuck: row.timesStuck, timesFailed: row.timesFailed, after });
      }
    }
  }

  private toAsset(row: ProblemRow): ProblemAsset {
    const label = this.assets.lookup(row.assetId);
    return {
      assetId: row.assetId,
      assetPath: label?.path ?? row.assetPath,
      assetFileName: label?.fileName ?? null,
      fileSize: label?.fileSize ?? null,
      mimeType: label?.mimeType ?? null,
      timesStuck: row.timesStuck,
      timesFailed: row.timesFailed,
      queues: row.queues,
      jobNames: row.jobNames,
      lastError: row.lastError,
      firstSeen: new Date(row.firstSeen).toISOString(),
      lastSeen: new Date(row.lastSeen).toISOString(),
      quarantined: row.quarantined,
    };
  }
}

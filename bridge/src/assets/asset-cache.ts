import type { AssetDetails } from '@immich-admin-tools/shared';
import type { Logger } from '../logger.ts';
import { ImmichError, type ImmichRepository } from '../immich/immich.repository.ts';

export interface AssetLabel {
  path: string;
  fileName: string;
  /** For the problem-assets list; unknown when Immich did not say. */
  mimeType?: string | null;
  fileSize?: number | null;
  width?: number | null;
  height?: number | null;
  takenAt?: string | null;
  ownerName?: string | null;
}

/** The details a job row shows of its asset; undefined until Immich answered for it. */
export function assetDetails(label: AssetLabel | null): AssetDetails | undefined {
  if (!label || label.mimeType === undefined) return undefined;
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(label.fileName)?.[1];
  return {
    fileSize: label.fileSize ?? null,
    mimeType: label.mimeType,
    format: ext ? ext.toUpperCase() : (label.mimeType?.split('/')[1]?.toUpperCase() ?? null),
    width: label.width ?? null,
    height: label.height ?? null,
    takenAt: label.takenAt ?? null,
    ownerName: label.ownerName ?? null,
  };
}

interface Entry {
  label: AssetLabel | null;
  expiresAt: number;
}

const FOUND_TTL_MS = 60 * 60_000;
/** Immich said no (another user's asset, deleted): asking again soon will not change that. */
const REFUSED_TTL_MS = 10 * 60_000;
/** Immich down or slow: try again shortly. */
const FAILED_TTL_MS = 30_000;
const MAX_ENTRIES = 5000;
const MAX_IN_FLIGHT = 4;

/**
 * File names and paths of assets, fetched from Immich in the background and cached per asset.
 * Lookups never wait on Immich: a job shows its id until its label arrives.
 */
export class AssetCache {
  private readonly entries = new Map<string, Entry>();
  private readonly queue = new Set<string>();
  private inFlight = 0;

  constructor(
    private readonly immich: ImmichRepository | null,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached label, or null; a miss (or an expired entry) schedules a fetch. */
  lookup(assetId: string): AssetLabel | null {
    const entry = this.entries.get(assetId);
    if (entry && entry.expiresAt > this.now()) return entry.label;
    if (this.immich) this.schedule(assetId);
    return entry?.label ?? null;
  }

  private schedule(assetId: string): void {
    this.queue.add(assetId);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.size > 0) {
      const assetId = this.queue.values().next().value as string;
      this.queue.delete(assetId);
      this.inFlight++;
      void this.fetch(assetId).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async fetch(assetId: string): Promise<void> {
    try {
      const asset = await this.immich!.asset(assetId);
      const { originalPath: path, originalFileName: fileName, ...details } = asset;
      this.store(assetId, { path, fileName, ...details }, FOUND_TTL_MS);
    } catch (error) {
      const refused = error instanceof ImmichError && error.kind !== 'unavailable';
      if (!refused) this.logger.debug({ assetId, err: String(error) }, 'asset lookup failed');
      this.store(assetId, this.entries.get(assetId)?.label ?? null, refused ? REFUSED_TTL_MS : FAILED_TTL_MS);
    }
  }

  private store(assetId: string, label: AssetLabel | null, ttl: number): void {
    this.entries.delete(assetId);
    this.entries.set(assetId, { label, expiresAt: this.now() + ttl });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }
}

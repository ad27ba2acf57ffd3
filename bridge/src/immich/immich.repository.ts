import {
  AssetMediaSize,
  getAboutInfo,
  getAssetInfo,
  getServerVersion,
  isHttpError,
  QueueCommand,
  runQueueCommandLegacy,
  updateQueue,
  viewAsset,
  type QueueName,
} from '@immich/sdk';

/** How Immich answered, reduced to what the bridge acts on. */
export class ImmichError extends Error {
  constructor(
    readonly kind: 'refused' | 'not-found' | 'unavailable',
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 5000;

/** Immich's REST API through @immich/sdk, with the API key per call (no global SDK state). */
export class ImmichRepository {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async version(): Promise<string> {
    const v = await this.call(() => getServerVersion(this.opts()));
    return `v${v.major}.${v.minor}.${v.patch}`;
  }

  async about(): Promise<{ version: string }> {
    return this.call(() => getAboutInfo(this.opts()));
  }

  async asset(id: string): Promise<{
    originalPath: string;
    originalFileName: string;
    mimeType: string | null;
    fileSize: number | null;
    width: number | null;
    height: number | null;
    takenAt: string | null;
    ownerName: string | null;
  }> {
    const asset = await this.call(() => getAssetInfo({ id }, this.opts()));
    return {
      originalPath: asset.originalPath,
      originalFileName: asset.originalFileName,
      mimeType: asset.originalMimeType ?? null,
      fileSize: asset.exifInfo?.fileSizeInByte ?? null,
      width: asset.exifInfo?.exifImageWidth ?? asset.width ?? null,
      height: asset.exifInfo?.exifImageHeight ?? asset.height ?? null,
      takenAt: asset.exifInfo?.dateTimeOriginal ?? asset.fileCreatedAt ?? null,
      ownerName: asset.owner?.name ?? null,
    };
  }

  async thumbnail(id: string): Promise<{ body: ArrayBuffer; contentType: string }> {
    const blob = await this.call(() => viewAsset({ id, size: AssetMediaSize.Thumbnail }, this.opts()));
    return { body: await blob.arrayBuffer(), contentType: blob.type || 'image/webp' };
  }

  /** Queues API (v2.4+); 404 or 405 means an older server. */
  async setPaused(queue: string, isPaused: boolean): Promise<boolean> {
    const res = await this.call(() =>
      updateQueue({ name: queue as QueueName, queueUpdateDto: { isPaused } }, this.opts()),
    );
    return res.isPaused;
  }

  /** Legacy `PUT /api/jobs/{name}`, still served by 3.x and the only way on servers before 2.4. */
  async legacyCommand(queue: string, command: 'pause' | 'resume'): Promise<boolean> {
    const res = await this.call(() =>
      runQueueCommandLegacy(
        {
          name: queue as QueueName,
          queueCommandDto: { command: command === 'pause' ? QueueCommand.Pause : QueueCommand.Resume },
        },
        this.opts(),
      ),
    );
    return res.queueStatus.isPaused;
  }

  private opts() {
    return {
      baseUrl: this.baseUrl,
      headers: { 'x-api-key': this.apiKey },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    };
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isHttpError(error)) {
        const message = error.data?.message ?? `Immich answered ${error.status}`;
        if (error.status === 404 || error.status === 405) throw new ImmichError('not-found', error.status, message);
        if (error.status >= 400 && error.status < 500) throw new ImmichError('refused', error.status, message);
        throw new ImmichError('unavailable', error.status, message);
      }
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND) is in its cause.
      const cause = (error as { cause?: { code?: string } } | null)?.cause?.code;
      const message = error instanceof Error ? error.message : String(error);
      throw new ImmichError('unavailable', null, cause ? `${message} (${cause})` : message);
    }
  }
}

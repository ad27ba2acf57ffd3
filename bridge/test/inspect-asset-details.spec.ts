import type { QueueDetail, QueuesResponse } from '@immich-admin-tools/shared';
import { describe, expect, it } from 'vitest';
import { ASSETS, OTHER_USER } from '../../sim/src/fake-immich/assets.ts';
import { useStack, workOn } from './harness.ts';

/** Asset details on job objects, from the fake Immich's getAssetInfo (typed against @immich/sdk). */
const s = useStack();
const photo = ASSETS.find((a) => a.ownerId !== OTHER_USER.id && a.type === 'IMAGE')!;
const video = ASSETS.find((a) => a.ownerId !== OTHER_USER.id && a.type === 'VIDEO')!;
const foreign = ASSETS.find((a) => a.ownerId === OTHER_USER.id)!;

const activeJobs = async (queue: string) =>
  (await s.h.api<QueuesResponse>('/api/queues')).body.queues.find((q) => q.name === queue)?.activeJobs ?? [];

describe('asset details', () => {
  it("shows size, format, dimensions, capture date and owner of an active job's asset", async () => {
    await workOn(
      s,
      { queue: 'thumbnailGeneration', behavior: 'hang', concurrency: 2 },
      [
        { name: 'AssetGenerateThumbnails', data: { id: photo.id } },
        { name: 'AssetGenerateThumbnails', data: { id: foreign.id } },
      ],
      2,
    );
    const job = await s.h.until(async () => (await activeJobs('thumbnailGeneration')).find((j) => j.asset));
    expect(job.assetId).toBe(photo.id);
    expect(job.asset).toEqual({
      fileSize: Math.round(photo.width * photo.height * 0.3),
      mimeType: photo.originalMimeType,
      format: photo.originalFileName.split('.').pop(),
      width: photo.width,
      height: photo.height,
      takenAt: photo.fileCreatedAt,
      ownerName: 'Admin',
    });
    // Another user's asset: Immich refuses the admin key, the job keeps its id and has no details.
    await new Promise((r) => setTimeout(r, 1000));
    const other = (await activeJobs('thumbnailGeneration')).find((j) => j.assetId === foreign.id)!;
    expect(other).toBeDefined();
    expect(other.asset).toBeUndefined();
  });

  it('shows them on failed jobs too', async () => {
    await workOn(s, { queue: 'videoConversion', behavior: 'fail', durationMs: 10 }, [
      { name: 'AssetEncodeVideo', data: { id: video.id } },
    ]);
    const failed = await s.h.until(async () => {
      const { body } = await s.h.api<QueueDetail>('/api/queues/videoConversion');
      return body.failedJobs?.[0]?.asset ? body.failedJobs[0] : undefined;
    });
    expect(failed.asset).toMatchObject({ format: video.originalFileName.split('.').pop(), width: 1920, height: 1080 });
    expect(failed.asset!.fileSize).toBe(video.duration! * 1000);
  });
});

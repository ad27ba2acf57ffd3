import { assetAt, faceId, personId } from '../fake-immich/assets.ts';
import type { ImmichJobSpec } from './immich-queues.ts';

/** The per-asset job each queue runs, as named in Immich v3 (server/src/enum.ts `JobName`). */
const ASSET_JOB_BY_QUEUE: Readonly<Record<string, string>> = {
  thumbnailGeneration: 'AssetGenerateThumbnails',
  metadataExtraction: 'AssetExtractMetadata',
  videoConversion: 'AssetEncodeVideo',
  faceDetection: 'AssetDetectFaces',
  smartSearch: 'SmartSearch',
  duplicateDetection: 'AssetDetectDuplicates',
  ocr: 'Ocr',
  sidecar: 'SidecarCheck',
  storageTemplateMigration: 'StorageTemplateMigrationSingle',
  migration: 'AssetFileMigration',
  backgroundTask: 'AssetDelete',
  editor: 'AssetEditThumbnailGeneration',
};

/** Fake, secret-looking mail content: it proves that no part of the tool ever displays SendMail data. */
export function sendMailJob(index: number): ImmichJobSpec {
  const token = `SIM-SECRET-RESET-TOKEN-${String(index).padStart(4, '0')}`;
  return {
    name: 'SendMail',
    data: {
      to: `jane+${index}@example.invalid`,
      subject: 'Your Immich password was reset',
      html: `<p>Your temporary password is <b>${token}</b></p>`,
      text: `Your temporary password is ${token}`,
    },
  };
}

/** Immich gives person thumbnails priority 1, so they sit in `prioritized`, not `wait`. */
export function personThumbnailJob(index: number): ImmichJobSpec {
  return { name: 'PersonGenerateThumbnail', data: { id: personId(index) }, opts: { priority: 1 } };
}

/** The `index`-th job Immich would queue on `queue` (asset ids, face ids or mails, by queue). */
export function immichJobFor(queue: string, index: number): ImmichJobSpec {
  if (queue === 'facialRecognition') return { name: 'FacialRecognition', data: { id: faceId(index) } };
  if (queue === 'notifications') return sendMailJob(index);
  // Person thumbnails share the thumbnail queue with asset thumbnails.
  if (queue === 'thumbnailGeneration' && index % 8 === 7) return personThumbnailJob(index);
  const name = ASSET_JOB_BY_QUEUE[queue];
  if (!name) return { name: `${queue}Job`, data: {} };
  const asset = assetAt(index, queue === 'videoConversion');
  if (queue === 'backgroundTask') return { name, data: { id: asset.id, deleteOnDisk: true } };
  if (queue === 'storageTemplateMigration') return { name, data: { id: asset.id }, opts: { jobId: asset.id } };
  return { name, data: index % 3 === 0 ? { id: asset.id, source: 'upload' } : { id: asset.id } };
}

/** `count` jobs for `queue`, starting at catalogue position `offset`. */
export function immichJobsFor(queue: string, count: number, offset = 0): ImmichJobSpec[] {
  return Array.from({ length: count }, (_, i) => immichJobFor(queue, offset + i));
}

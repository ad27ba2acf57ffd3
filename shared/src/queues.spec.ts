import { describe, expect, it } from 'vitest';
import { formatDuration, formatEta } from './format.ts';
import { isAssetJob, QUEUES, queueBySlug, queueInfo, queueSlug } from './queues.ts';

describe('queue catalogue', () => {
  it('derives Immich slugs from camelCase names', () => {
    expect(queueSlug('thumbnailGeneration')).toBe('thumbnail-generation');
    expect(queueSlug('ocr')).toBe('ocr');
    expect(queueSlug('storageTemplateMigration')).toBe('storage-template-migration');
  });

  it('lists the 19 queues of Immich 3.x, 12 of them with a card', () => {
    expect(QUEUES).toHaveLength(19);
    expect(QUEUES.filter((queue) => queue.hasCard)).toHaveLength(12);
    expect(queueBySlug('face-detection')?.name).toBe('faceDetection');
  });

  it('describes a queue it does not know instead of failing', () => {
    const info = queueInfo('assetRepair');
    expect(info).toMatchObject({ slug: 'asset-repair', title: 'Asset Repair', hasCard: false });
  });

  it('tells asset jobs from person, face and queue-all jobs', () => {
    expect(isAssetJob('AssetGenerateThumbnails')).toBe(true);
    expect(isAssetJob('SmartSearch')).toBe(true);
    expect(isAssetJob('AssetGenerateThumbnailsQueueAll')).toBe(false);
    expect(isAssetJob('PersonGenerateThumbnail')).toBe(false);
    expect(isAssetJob('FacialRecognition')).toBe(false);
  });
});

describe('formatting', () => {
  it('formats durations compactly', () => {
    expect(formatDuration(45.9)).toBe('45s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(2 * 3600 + 4 * 60)).toBe('2h 04m');
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe('3d 4h');
  });

  it('formats ETAs roughly', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(5 * 3600)).toBe('~5 h');
  });
});

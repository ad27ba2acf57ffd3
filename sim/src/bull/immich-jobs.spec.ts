import { describe, expect, it } from 'vitest';
import { ADMIN_USER, assetById, OTHER_USER } from '../fake-immich/assets.ts';
import { immichJobFor, immichJobsFor } from './immich-jobs.ts';

describe('immichJobFor', () => {
  it('gives asset jobs catalogue asset ids, and only videos to videoConversion', () => {
    for (const job of immichJobsFor('videoConversion', 10)) {
      expect(job.name).toBe('AssetEncodeVideo');
      expect(assetById(String(job.data.id))?.type).toBe('VIDEO');
    }
    const owners = new Set(immichJobsFor('smartSearch', 30).map((job) => assetById(String(job.data.id))?.ownerId));
    expect(owners).toEqual(new Set([ADMIN_USER.id, OTHER_USER.id]));
  });

  it('makes person thumbnails priority 1, face ids for facial recognition, and mail for notifications', () => {
    const person = immichJobFor('thumbnailGeneration', 7);
    expect(person).toMatchObject({ name: 'PersonGenerateThumbnail', opts: { priority: 1 } });
    expect(assetById(String(person.data.id))).toBeUndefined();
    const face = immichJobFor('facialRecognition', 1);
    expect(face.name).toBe('FacialRecognition');
    expect(assetById(String(face.data.id))).toBeUndefined();
    expect(Object.keys(immichJobFor('notifications', 0).data).sort()).toEqual(['html', 'subject', 'text', 'to']);
  });

  it('is deterministic', () => {
    expect(immichJobsFor('ocr', 5, 3)).toEqual(immichJobsFor('ocr', 5, 3));
  });
});

import { describe, expect, it } from 'vitest';
import type { QueueResponseDto } from '@immich/sdk';
import { directQueue, observedAgeText, trackSightings } from './direct-view.ts';

const MIN = 60_000;

describe('observed ages: when each active job was first seen', () => {
  it('keeps the first sighting of a job still active and starts new ones now', () => {
    const next = trackSightings({ smartSearch: { '34': 1000 } }, { smartSearch: ['34', '35'] }, 5000);
    expect(next).toEqual({ smartSearch: { '34': 1000, '35': 5000 } });
  });

  it('prunes ids no longer active, and queues that went idle or are no longer listed', () => {
    const before = { smartSearch: { '34': 1000, '35': 2000 }, ocr: { '7': 1000 }, gone: { '1': 1000 } };
    expect(trackSightings(before, { smartSearch: ['35'], ocr: [] }, 9000)).toEqual({ smartSearch: { '35': 2000 } });
  });

  it('keeps what a queue had when its list could not be read this time', () => {
    expect(trackSightings({ ocr: { '7': 1000 } }, { ocr: null }, 9000)).toEqual({ ocr: { '7': 1000 } });
  });

  it('dates the jobs of a queue by their sightings, longest seen first, and keeps none of their data', () => {
    const queue: QueueResponseDto = {
      name: 'smartSearch' as QueueResponseDto['name'],
      isPaused: false,
      statistics: { active: 2, completed: 0, failed: 0, delayed: 0, waiting: 30, paused: 0 },
    };
    const jobs = [
      { id: '35', name: 'SmartSearch', timestamp: 700, data: { id: 'asset-35' } },
      { id: '34', name: 'SmartSearch', timestamp: 600, data: { id: 'asset-34' } },
      { name: 'SmartSearch', timestamp: 500, data: {} },
    ] as Parameters<typeof directQueue>[1];
    const view = directQueue(queue, jobs, { smartSearch: { '34': 1000, '35': 4000 } }, 9000);
    expect(view).toMatchObject({ title: 'Smart Search', slug: 'smart-search', pausable: true });
    expect(view.activeJobs).toEqual([
      { jobId: '34', name: 'SmartSearch', queuedAt: 600, firstSeenAt: 1000 },
      { jobId: '35', name: 'SmartSearch', queuedAt: 700, firstSeenAt: 4000 },
    ]);
    expect(directQueue({ ...queue, name: 'backgroundTask' as QueueResponseDto['name'] }, null, {}, 0)).toMatchObject({
      pausable: false,
      activeJobs: null,
    });
  });

  it('says how long a job was seen active, as a lower bound', () => {
    expect(observedAgeText(0, 59_000)).toBe('seen active just now');
    expect(observedAgeText(0, 5 * MIN + 30_000)).toBe('seen active for at least 5 min');
    expect(observedAgeText(0, 125 * MIN)).toBe('seen active for at least 2 h 05 min');
    expect(observedAgeText(0, 180 * MIN)).toBe('seen active for at least 3 h');
  });
});

import { describe, expect, it } from 'vitest';
import { AdaptiveThresholds, effectiveThreshold, MIN_SAMPLES } from './adaptive-thresholds.ts';

describe('AdaptiveThresholds', () => {
  it('needs 50 completions of a job name before it has an opinion', () => {
    const t = new AdaptiveThresholds();
    for (let i = 0; i < MIN_SAMPLES - 1; i++) t.add('videoConversion', 'VideoConversion', 1_000_000);
    expect(t.forJob('videoConversion', 'VideoConversion', 4)).toBeNull();
    t.add('videoConversion', 'VideoConversion', 1_000_000);
    expect(t.forJob('videoConversion', 'VideoConversion', 4)).toBe(4000);
  });

  it('uses the p99 of the job name, times the factor, capped at 24 h, and is off at factor 0', () => {
    const t = new AdaptiveThresholds();
    // 99 quick runs and one very slow one: p99 is the 99th value, not the outlier.
    for (let i = 1; i <= 99; i++) t.add('q', 'Job', i * 1000);
    t.add('q', 'Job', 10_000_000);
    expect(t.forJob('q', 'Job', 2)).toBe(2 * 99);
    expect(t.forJob('q', 'Job', 0)).toBeNull();
    for (let i = 0; i < 100; i++) t.add('q', 'Huge', 80_000_000);
    expect(t.forJob('q', 'Huge', 4)).toBe(24 * 3600);
  });

  it('shows the queue the largest adaptive threshold of its job names, and keeps queues apart', () => {
    const t = new AdaptiveThresholds();
    for (let i = 0; i < 60; i++) {
      t.add('q', 'Fast', 1000);
      t.add('q', 'Slow', 50_000);
      t.add('other', 'Slow', 900_000);
    }
    expect(t.forQueue('q', 4)).toBe(200);
    expect(t.forJob('q', 'Fast', 4)).toBe(4);
    expect(t.forQueue('empty', 4)).toBeNull();
  });

  it('only ever raises the configured threshold', () => {
    expect(effectiveThreshold(300, null)).toBe(300);
    expect(effectiveThreshold(300, 40)).toBe(300);
    expect(effectiveThreshold(300, 4000)).toBe(4000);
  });
});

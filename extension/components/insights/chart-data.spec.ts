import { describe, expect, it } from 'vitest';
import { stats } from '../../test/insights.factory.ts';
import { durationChart, failureRateChart, peakHoursChart, stuckChart, throughputChart } from './chart-data.ts';

const t0 = Date.parse('2026-12-01T10:00:00.000Z') / 1000;

describe('chart data for uPlot', () => {
  it('aligns every bucket of the range, sums the queues and leaves lost buckets as gaps', () => {
    const chart = throughputChart(stats());
    expect(chart.data[0]).toEqual([t0, t0 + 300, t0 + 600]);
    expect(chart.data[1]).toEqual([10, 0, null]);
    expect(chart.data[2]).toEqual([1, 0, null]);
    expect(chart.empty).toBe(false);
    expect(throughputChart(stats(), 'smartSearch').data[1]).toEqual([6, 0, 0]);
  });

  it('says a range without finished jobs is empty', () => {
    const empty = stats({ series: [], byJobName: [], peakHours: [], stuck: [] });
    expect(throughputChart(empty).empty).toBe(true);
    expect(failureRateChart(empty).empty).toBe(true);
    expect(stuckChart(empty).empty).toBe(true);
    expect(durationChart(empty).empty).toBe(true);
    expect(peakHoursChart(empty).empty).toBe(true);
  });

  it('computes the failure rate per bucket in percent, null where nothing finished or events were lost', () => {
    expect(failureRateChart(stats()).data[1]).toEqual([9.1, null, null]);
  });

  it('counts stuck detections per bucket', () => {
    expect(stuckChart(stats()).data.slice(1)).toEqual([[0, 2, 0]]);
  });

  it('ranks job names by their slowest run, in seconds, and labels 24 hours', () => {
    const durations = durationChart(stats());
    expect(durations.xLabels).toEqual(['AssetDetectFaces', 'SmartSearch']);
    expect(durations.data).toEqual([
      [0, 1],
      [1.5, 0.8],
      [4, 0.9],
    ]);
    const peaks = peakHoursChart(stats());
    expect(peaks.data[1]).toHaveLength(24);
    expect(peaks.data[1]![10]).toBe(12);
    expect(peaks.xLabels?.[10]).toBe('10:00');
  });
});

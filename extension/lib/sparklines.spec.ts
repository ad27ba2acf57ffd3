import { describe, expect, it } from 'vitest';
import { fakeSend, stats, statsPoint } from '../test/insights.factory.ts';
import { drawSparkline, lastHourOf, SPARKLINE_MINUTES } from './sparklines.ts';
import { SparklineState, SPARKLINE_REFRESH_MS } from './state/sparklines.svelte.ts';

const hourStats = () =>
  stats({
    range: '1h',
    bucketSeconds: 60,
    from: '2026-12-01T09:01:00.000Z',
    to: '2026-12-01T10:00:30.000Z',
    series: [
      {
        queue: 'faceDetection',
        points: [
          statsPoint('2026-12-01T09:01:00.000Z', { completed: 3 }),
          statsPoint('2026-12-01T09:30:00.000Z', { completed: 1, failed: 2, lost: 4 }),
          statsPoint('2026-12-01T10:00:00.000Z', { completed: 5, failed: 1 }),
        ],
      },
    ],
  });

describe('card sparklines', () => {
  it('cuts dense minutes of the last hour, oldest first, with lost minutes as gaps', () => {
    const data = lastHourOf(hourStats());
    expect(data.from).toBe('2026-12-01T09:01:00.000Z');
    const faces = data.queues.faceDetection!;
    expect(faces.completed).toHaveLength(SPARKLINE_MINUTES);
    expect(faces.completed[0]).toBe(3);
    expect(faces.completed[29]).toBeNull();
    expect(faces.failed[29]).toBeNull();
    expect(faces.completed[59]).toBe(5);
    expect(faces.failed[59]).toBe(1);
    expect(faces.completed.filter((v) => v === 0)).toHaveLength(57);
  });

  it('draws one line per series and breaks it where events were lost', () => {
    const calls: string[] = [];
    const context = {
      setTransform: () => {},
      clearRect: () => {},
      stroke: () => {},
      beginPath: () => calls.push('begin'),
      moveTo: () => calls.push('move'),
      lineTo: () => calls.push('line'),
    };
    const canvas = { getContext: () => context, width: 0, height: 0 } as unknown as HTMLCanvasElement;
    drawSparkline(canvas, { completed: [1, 2, null, 3, 4], failed: [0, 0, 0, 0, 0] }, { completed: 'a', failed: 'b' });
    expect(calls).toEqual(['begin', 'move', 'line', 'move', 'line', 'begin', 'move', 'line', 'line', 'line', 'line']);
  });

  it('asks the background once a minute for all cards together', async () => {
    const { send, calls } = fakeSend({ getSparklines: () => ({ ok: true, data: lastHourOf(hourStats()) }) });
    const state = new SparklineState(send, () => 'home');
    await state.refresh(false, 1_000_000);
    await state.refresh(false, 1_000_000 + 5_000);
    expect(state.of('faceDetection')?.completed[59]).toBe(5);
    expect(state.of('ocr')).toBeUndefined();
    expect(calls).toHaveLength(1);
    await state.refresh(false, 1_000_000 + SPARKLINE_REFRESH_MS);
    expect(calls).toHaveLength(2);
  });
});

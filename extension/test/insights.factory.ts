/** History, stats, settings and problem-asset answers for the insights tests, typed by shared/api.ts. */
import type {
  HistoryItem,
  ProblemAsset,
  SettingsResponse,
  StatsPoint,
  StatsResponse,
} from '@immich-admin-tools/shared';
import { vi } from 'vitest';
import type { ProtocolMap } from '../lib/messaging.ts';
import type { Send } from '../lib/state/insights.svelte.ts';

export const ASSET_ID = '7f1c0a52-1111-4222-8333-944445555666';

export function historyItem(overrides: Partial<HistoryItem> = {}): HistoryItem {
  return {
    id: 1,
    timestamp: '2026-12-01T10:00:00.000Z',
    event: 'stuck_job_detected',
    queue: 'faceDetection',
    jobId: '101',
    jobName: 'AssetDetectFaces',
    assetId: ASSET_ID,
    assetPath: '/usr/src/app/upload/library/admin/2024/IMG_0042.HEIC',
    ageSeconds: 400,
    actor: 'bridge',
    mode: null,
    detail: { state: 'hung' },
    ...overrides,
  };
}

export function statsPoint(t: string, overrides: Partial<StatsPoint> = {}): StatsPoint {
  return { t, completed: 0, failed: 0, avgDurationMs: null, maxDurationMs: null, lost: 0, ...overrides };
}

/** Three 5-minute buckets from 10:00 to 10:10. */
export function stats(overrides: Partial<StatsResponse> = {}): StatsResponse {
  return {
    range: '24h',
    bucketSeconds: 300,
    from: '2026-12-01T10:00:00.000Z',
    to: '2026-12-01T10:10:00.000Z',
    series: [
      {
        queue: 'faceDetection',
        points: [
          statsPoint('2026-12-01T10:00:00.000Z', { completed: 4, failed: 1 }),
          statsPoint('2026-12-01T10:10:00.000Z', { completed: 2, lost: 3 }),
        ],
      },
      { queue: 'smartSearch', points: [statsPoint('2026-12-01T10:00:00.000Z', { completed: 6 })] },
    ],
    totals: {
      completedToday: 12,
      completedWeek: 12,
      completedMonth: 12,
      failedToday: 1,
      failureRate: 1 / 13,
    },
    previousFailureRate: 0.2,
    byJobName: [
      {
        queue: 'faceDetection',
        jobName: 'AssetDetectFaces',
        completed: 6,
        failed: 1,
        avgDurationMs: 1500,
        maxDurationMs: 4000,
      },
      { queue: 'smartSearch', jobName: 'SmartSearch', completed: 6, failed: 0, avgDurationMs: 800, maxDurationMs: 900 },
    ],
    peakHours: [{ hour: 10, completed: 12 }],
    stuck: [{ t: '2026-12-01T10:05:00.000Z', count: 2 }],
    ...overrides,
  };
}

export function problemAsset(overrides: Partial<ProblemAsset> = {}): ProblemAsset {
  return {
    assetId: ASSET_ID,
    assetPath: '/usr/src/app/upload/library/admin/2024/IMG_0042.HEIC',
    assetFileName: 'IMG_0042.HEIC',
    timesStuck: 3,
    timesFailed: 1,
    queues: ['faceDetection'],
    jobNames: ['AssetDetectFaces'],
    lastError: 'job stalled more than allowable limit',
    firstSeen: '2026-12-01T09:00:00.000Z',
    lastSeen: '2026-12-01T10:00:00.000Z',
    quarantined: false,
    ...overrides,
  };
}

export function settingsResponse(): SettingsResponse {
  return {
    autoHeal: {
      enabled: { value: false, source: 'default' },
      mode: { value: 'alert_only', source: 'env', env: 'AUTO_HEAL_ACTION', options: ['alert_only', 'clear_and_log'] },
      intervalSeconds: { value: 60, source: 'api' },
    },
    notifiers: {
      webhookUrls: { value: '••••/abc', source: 'env', secret: true, env: 'WEBHOOK_URLS' },
    },
    quarantine: { afterStuck: { value: 3, source: 'default' } },
  };
}

type Answers = { [K in keyof ProtocolMap]?: (data: Parameters<ProtocolMap[K]>[0]) => ReturnType<ProtocolMap[K]> };

/** A Send that answers from `answers` and records every call; an unanswered message rejects. */
export function fakeSend(answers: Answers) {
  const send = vi.fn(async (type: keyof ProtocolMap, data: unknown) => {
    const answer = answers[type] as ((data: unknown) => unknown) | undefined;
    if (!answer) throw new Error(`no answer for ${type}`);
    return answer(data);
  });
  return { send: send as unknown as Send, calls: send.mock.calls as [keyof ProtocolMap, Record<string, unknown>][] };
}

/** Words for history events in the timeline and its filter. */
import type { HistoryEventName, HistoryItem } from '@immich-admin-tools/shared';
import { formatDuration } from '@immich-admin-tools/shared';

export const EVENT_LABEL: Record<HistoryEventName, string> = {
  stuck_job_detected: 'Stuck job detected',
  stuck_job_resolved: 'Stuck job resolved',
  stuck_job_cleared: 'Stuck job cleared',
  job_failed: 'Job failed',
  queue_paused: 'Queue paused',
  queue_resumed: 'Queue resumed',
  failed_retried: 'Failed jobs retried',
  failed_cleared: 'Failed jobs cleared',
  queue_stalled: 'Queue stalled',
  queue_recovered: 'Queue recovered',
  no_workers: 'No workers',
  workers_back: 'Workers back',
  slots_full_of_stuck: 'Slots full of stuck jobs',
  slots_freed: 'Slots freed',
  redis_lost: 'Redis lost',
  redis_back: 'Redis back',
  bridge_started: 'Bridge started',
  immich_restarted: 'Immich restarted',
  asset_quarantined: 'Asset quarantined',
  asset_released: 'Asset released',
  asset_job_removed: 'Quarantined asset’s job removed',
  alert_sent: 'Alert sent',
  auto_heal_breaker_open: 'Auto-heal breaker opened',
};

export type EventTone = 'danger' | 'warning' | 'success' | 'secondary' | 'info';

/** Problems red or amber, recoveries green, the rest neutral. */
export function eventTone(event: HistoryEventName): EventTone {
  if (['job_failed', 'queue_stalled', 'redis_lost', 'slots_full_of_stuck', 'auto_heal_breaker_open'].includes(event))
    return 'danger';
  if (['stuck_job_detected', 'no_workers', 'asset_quarantined', 'queue_paused'].includes(event)) return 'warning';
  if (
    [
      'stuck_job_resolved',
      'stuck_job_cleared',
      'queue_recovered',
      'workers_back',
      'slots_freed',
      'redis_back',
    ].includes(event)
  )
    return 'success';
  return 'secondary';
}

/** The detail worth a line: age, mode, state, result, reason, count. */
export function detailLine(item: HistoryItem): string {
  const parts: string[] = [];
  if (item.ageSeconds !== null) parts.push(formatDuration(item.ageSeconds));
  if (item.mode) parts.push(item.mode);
  const detail = item.detail ?? {};
  for (const key of ['state', 'result', 'count', 'reason', 'error'] as const) {
    const value = detail[key];
    if (typeof value === 'string' || typeof value === 'number') parts.push(String(value));
  }
  return parts.join(' · ');
}

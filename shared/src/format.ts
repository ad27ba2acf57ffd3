/** Compact human duration: 45s, 3m 05s, 2h 04m, 3d 4h. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Rough ETA for humans: "~40 s", "~5 min", "~3 h", "~2 d". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `~${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `~${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `~${Math.round(seconds / 3600)} h`;
  return `~${Math.round(seconds / 86400)} d`;
}

/** Jobs per minute, rounded for display: "42/min", "0.5/min". */
export function formatRate(perMinute: number): string {
  if (perMinute >= 10) return `${Math.round(perMinute)}/min`;
  return `${Math.round(perMinute * 10) / 10}/min`;
}

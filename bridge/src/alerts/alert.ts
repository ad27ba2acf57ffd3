import { formatDuration, type AlertKind, type AlertSeverity } from '@immich-admin-tools/shared';

/** A stuck job as an alert lists it. */
export interface AlertJob {
  queue: string;
  jobId: string;
  jobName: string | null;
  /** The asset's path, or its id when Immich did not say. */
  file: string | null;
  state: string | null;
  ageSeconds: number | null;
}

/** One notice, in no platform's format yet. */
export interface Alert {
  kind: AlertKind;
  severity: AlertSeverity;
  /** A notice that the condition ended. */
  resolved: boolean;
  title: string;
  text: string;
  /** One line per item (stuck job, auto-heal action), already worded. */
  lines: string[];
  queue: string | null;
  jobs: AlertJob[];
  /** Immich's Jobs page; null when Immich's URL is not known. */
  link: string | null;
  at: number;
}

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

export const severityAtLeast = (severity: AlertSeverity, min: AlertSeverity) => RANK[severity] >= RANK[min];

/** `queue · file · state · age`, the line a stuck job gets in every format. */
export const jobLine = (job: AlertJob) =>
  [
    job.queue,
    job.file ?? `job ${job.jobId}`,
    job.state ?? 'stuck',
    job.ageSeconds === null ? 'age unknown' : formatDuration(job.ageSeconds),
  ].join(' · ');

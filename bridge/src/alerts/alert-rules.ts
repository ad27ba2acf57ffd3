import { queueInfo, type AlertKind, type AlertSeverity, type HistoryItem } from '@immich-admin-tools/shared';
import { jobLine, type Alert, type AlertJob } from './alert.ts';

export interface RuleSettings {
  cooldownMinutes: number;
  /** Failures in the last hour, per queue, that make a spike (with ≥ 3× the hour before). */
  failureSpike: number;
  /** Immich's Jobs page. */
  link: string | null;
}

/** Conditions that start with one history event and end with another. */
const CONDITIONS: Record<string, { kind: AlertKind; severity: AlertSeverity; ends: string }> = {
  queue_stalled: { kind: 'queue_stalled', severity: 'critical', ends: 'queue_recovered' },
  no_workers: { kind: 'no_workers', severity: 'warning', ends: 'workers_back' },
  redis_lost: { kind: 'redis_lost', severity: 'critical', ends: 'redis_back' },
};
const ENDINGS = new Map(Object.entries(CONDITIONS).map(([start, c]) => [c.ends, start]));
const STUCK_ENDS = new Set(['stuck_job_resolved', 'stuck_job_cleared']);
/** Rows of a loop's own doing that are not auto-heal's actions. */
const NOT_ACTIONS = new Set(['stuck_job_detected', 'alert_sent', 'auto_heal_breaker_open']);
const SPIKE_FACTOR = 3;
const MINUTE_MS = 60_000;

interface ConditionState {
  active: boolean;
  /** Whether its start was sent (not held back by the cooldown): only then is its end. */
  notified: boolean;
  lastSentAt: number;
}

const title = (queue: string | null) => (queue ? queueInfo(queue).title : 'Immich');

function toJob(item: HistoryItem): AlertJob {
  const state = item.detail?.['state'];
  return {
    queue: item.queue ?? 'unknown',
    jobId: item.jobId ?? '?',
    jobName: item.jobName,
    file: item.assetPath ?? item.assetId,
    state: typeof state === 'string' ? state : null,
    ageSeconds: item.ageSeconds,
  };
}

/**
 * Turns history rows (and failures from the events stream) into alerts: one message per tick for the jobs
 * that became stuck, a notice when a condition starts and one when it ends, a cooldown per condition.
 * Rows of one tick arrive one by one in the same synchronous call, so they are gathered and sent together
 * on the next turn of the event loop.
 */
export class AlertRules {
  private readonly conditions = new Map<string, ConditionState>();
  /** This tick's stuck-job starts and ends, in order, and auto-heal's actions. */
  private batch: { jobs: { job: AlertJob; stuck: boolean }[]; healed: HistoryItem[] } = { jobs: [], healed: [] };
  private flushScheduled = false;
  /** Failures per queue per minute (minute number → count), two hours kept. */
  private readonly failures = new Map<string, Map<number, number>>();

  constructor(
    private settings: RuleSettings,
    private readonly emit: (alert: Alert) => void,
    private readonly now: () => number = Date.now,
  ) {}

  update(settings: RuleSettings): void {
    this.settings = settings;
  }

  row(item: HistoryItem): void {
    const condition = CONDITIONS[item.event];
    if (item.event === 'stuck_job_detected') {
      this.batch.jobs.push({ job: toJob(item), stuck: true });
      this.flushSoon();
    } else if (STUCK_ENDS.has(item.event)) {
      this.batch.jobs.push({ job: toJob(item), stuck: false });
      this.flushSoon();
    } else if (condition) {
      this.start(`${item.event}:${item.queue ?? ''}`, () => this.conditionAlert(item, condition, false));
    } else if (ENDINGS.has(item.event)) {
      const start = ENDINGS.get(item.event)!;
      this.end(`${start}:${item.queue ?? ''}`, () => this.conditionAlert(item, CONDITIONS[start]!, true));
    } else if (item.event === 'immich_restarted' && item.detail?.['result'] !== 'dry_run') {
      // A dry run's "would restart" row restarted nothing.
      this.once('immich_restarted', {
        kind: 'immich_restarted',
        severity: 'info',
        title: 'Immich restarted',
        text: item.actor === 'immich' ? 'immich_server restarted.' : `immich_server was restarted by ${item.actor}.`,
      });
    } else if (item.event === 'auto_heal_breaker_open') {
      this.once('breaker_open', {
        kind: 'breaker_open',
        severity: 'critical',
        title: 'Auto-heal stopped: circuit breaker open',
        text: 'Auto-heal took too many actions this hour and stopped acting until the breaker is reset. Something keeps breaking.',
      });
    }
    if (item.actor === 'auto-heal' && !NOT_ACTIONS.has(item.event)) {
      this.batch.healed.push(item);
      this.flushSoon();
    }
  }

  /** A failed job from the events stream. */
  failed(queue: string, at: number): void {
    const minutes = this.failures.get(queue) ?? new Map<number, number>();
    this.failures.set(queue, minutes);
    const minute = Math.floor(at / MINUTE_MS);
    minutes.set(minute, (minutes.get(minute) ?? 0) + 1);
  }

  /** Once per snapshot tick: failure spikes start and end here. */
  check(): void {
    const nowMinute = Math.floor(this.now() / MINUTE_MS);
    for (const [queue, minutes] of this.failures) {
      let thisHour = 0;
      let previousHour = 0;
      for (const [minute, count] of minutes) {
        const ago = nowMinute - minute;
        if (ago < 60) thisHour += count;
        else if (ago < 120) previousHour += count;
        else minutes.delete(minute);
      }
      const spiking = thisHour >= this.settings.failureSpike && thisHour >= SPIKE_FACTOR * previousHour;
      const key = `failure_spike:${queue}`;
      const alert = (resolved: boolean): Alert => ({
        ...this.base('failure_spike', 'warning', queue, resolved),
        title: `Failure spike in ${title(queue)}`,
        text: resolved
          ? `${title(queue)} is back to ${thisHour} failed jobs in the last hour.`
          : `${thisHour} jobs of ${title(queue)} failed in the last hour (${previousHour} the hour before).`,
      });
      if (spiking) this.start(key, () => alert(false));
      else this.end(key, () => alert(true));
      if (minutes.size === 0 && !this.conditions.get(key)?.active) this.failures.delete(queue);
    }
    this.prune();
  }

  private base(kind: AlertKind, severity: AlertSeverity, queue: string | null, resolved: boolean): Alert {
    return {
      kind,
      severity,
      resolved,
      title: '',
      text: '',
      lines: [],
      queue,
      jobs: [],
      link: this.settings.link,
      at: this.now(),
    };
  }

  private conditionAlert(item: HistoryItem, c: { kind: AlertKind; severity: AlertSeverity }, resolved: boolean): Alert {
    const q = title(item.queue);
    const words: Record<string, [string, string, string]> = {
      queue_stalled: [
        `${q} is stalled`,
        `${q} has jobs waiting and workers connected, but nothing finishes: its workers cannot renew their locks.`,
        `${q} is moving again.`,
      ],
      no_workers: [
        `No worker for ${q}`,
        `${q} has jobs but no BullMQ worker is connected.`,
        `A worker for ${q} is back.`,
      ],
      redis_lost: [
        'Redis lost',
        "The bridge cannot reach Immich's Redis: no job can run.",
        'Redis is reachable again.',
      ],
    };
    const [heading, started, ended] = words[c.kind]!;
    return { ...this.base(c.kind, c.severity, item.queue, resolved), title: heading, text: resolved ? ended : started };
  }

  private once(key: string, fields: Pick<Alert, 'kind' | 'severity' | 'title' | 'text'>): void {
    if (this.coolingDown(key)) return;
    this.conditions.set(key, { active: false, notified: false, lastSentAt: this.now() });
    this.emit({ ...this.base(fields.kind, fields.severity, null, false), ...fields });
  }

  /** Marks the condition started; true when its notice goes out (it was not active, and is not cooling down). */
  private open(key: string): boolean {
    const state = this.conditions.get(key);
    if (state?.active) return false;
    const notify = !this.coolingDown(key);
    this.conditions.set(key, {
      active: true,
      notified: notify,
      lastSentAt: notify ? this.now() : (state?.lastSentAt ?? 0),
    });
    return notify;
  }

  /** Marks the condition ended; true when its start was told, so its end is too. */
  private close(key: string): boolean {
    const state = this.conditions.get(key);
    if (!state?.active) return false;
    const notify = state.notified;
    state.active = false;
    state.notified = false;
    return notify;
  }

  private start(key: string, make: () => Alert): void {
    if (this.open(key)) this.emit(make());
  }

  private end(key: string, make: () => Alert): void {
    if (this.close(key)) this.emit(make());
  }

  private coolingDown(key: string): boolean {
    const state = this.conditions.get(key);
    return state !== undefined && this.now() - state.lastSentAt < this.settings.cooldownMinutes * MINUTE_MS;
  }

  private flushSoon(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const { jobs, healed } = this.batch;
    this.batch = { jobs: [], healed: [] };

    const key = (job: AlertJob) => `stuck:${job.queue}:${job.jobId}`;
    const fresh: AlertJob[] = [];
    const ended: AlertJob[] = [];
    for (const { job, stuck } of jobs) {
      if (stuck ? this.open(key(job)) : this.close(key(job))) (stuck ? fresh : ended).push(job);
    }
    if (fresh.length) this.emit(this.jobsAlert(fresh, false));
    if (ended.length) this.emit(this.jobsAlert(ended, true));
    if (healed.length) this.emit(this.healAlert(healed));
  }

  private jobsAlert(jobs: AlertJob[], resolved: boolean): Alert {
    const queues = [...new Set(jobs.map((j) => j.queue))];
    const where = queues.length === 1 ? title(queues[0]!) : `${queues.length} queues`;
    const n = jobs.length === 1 ? '1 job' : `${jobs.length} jobs`;
    return {
      ...this.base('stuck_jobs', 'warning', queues.length === 1 ? queues[0]! : null, resolved),
      title: resolved ? `${n} no longer stuck in ${where}` : `${n} stuck in ${where}`,
      text: resolved ? 'These jobs finished, restarted or were cleared:' : 'Active past their threshold:',
      lines: jobs.map(jobLine),
      jobs,
    };
  }

  private healAlert(rows: HistoryItem[]): Alert {
    const lines = rows.map((r) =>
      [r.event.replaceAll('_', ' '), r.mode, r.queue, r.assetPath ?? r.jobId].filter(Boolean).join(' · '),
    );
    return {
      ...this.base('auto_heal', 'info', null, false),
      title: `Auto-heal acted (${rows.length})`,
      text: 'Auto-heal took these actions:',
      lines,
      jobs: rows.filter((r) => r.jobId).map(toJob),
    };
  }

  /** Forgets conditions that ended and whose cooldown is over, so stuck-job keys do not pile up. */
  private prune(): void {
    const cutoff = this.now() - this.settings.cooldownMinutes * MINUTE_MS;
    for (const [key, state] of this.conditions)
      if (!state.active && state.lastSentAt < cutoff) this.conditions.delete(key);
  }
}

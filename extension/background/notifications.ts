/** One system notification per newly stuck job; a click opens that instance's Immich Jobs page. */
import { browser } from 'wxt/browser';
import { formatDuration, type ActiveJob, type QueueSummary } from '@immich-admin-tools/shared';
import type { Instance, InstanceSnapshot } from '../lib/messaging.ts';
import { notifiedJobsItem, settingsItem } from '../lib/storage.ts';
import { jobsPageUrl } from '../lib/instance-url.ts';

const PREFIX = 'iat-stuck';
/** Lines listed in one notification when several jobs got stuck in the same poll. */
const MAX_LINES = 4;

interface NewStuck {
  queue: QueueSummary;
  job: ActiveJob;
}

/** A job that leaves and re-enters `active` is a new incident: the key carries processedOn. */
const jobKey = (queue: string, job: ActiveJob) => `${queue}/${job.jobId}/${job.processedOn ?? ''}`;

function describe({ queue, job }: NewStuck): string {
  const what = job.assetFileName ?? (job.name ? `${job.name} ${job.jobId}` : `job ${job.jobId}`);
  return `${queue.title}: ${what}, ${job.state} for ${formatDuration(job.ageSeconds)}`;
}

/** `iat-stuck|<instanceId>|<slug>|<time>`: the click handler reads instance and queue back. */
function notificationId(instanceId: string, slug: string): string {
  return [PREFIX, instanceId, slug, Date.now()].join('|');
}

/**
 * Announces stuck jobs not announced before, and forgets jobs no longer stuck. Jobs seen while
 * notifications are off are still recorded, so switching them on does not replay old ones.
 */
export async function announceNewStuck(instances: Instance[], snapshots: Record<string, InstanceSnapshot>) {
  const [settings, notified] = await Promise.all([settingsItem.getValue(), notifiedJobsItem.getValue()]);
  const next: Record<string, string[]> = {};
  for (const instance of instances) {
    const snapshot = snapshots[instance.id];
    if (!snapshot || snapshot.error) {
      // Unknown right now: keep what was announced so a flapping bridge does not re-announce.
      const announced = notified[instance.id];
      if (announced) next[instance.id] = announced;
      continue;
    }
    const seen = new Set(notified[instance.id] ?? []);
    const fresh: NewStuck[] = [];
    const keys: string[] = [];
    for (const queue of snapshot.queues) {
      for (const job of queue.stuckJobs) {
        const key = jobKey(queue.name, job);
        keys.push(key);
        if (!seen.has(key)) fresh.push({ queue, job });
      }
    }
    next[instance.id] = keys;
    if (fresh.length > 0 && settings.notifyOnStuck) await notify(instance, fresh);
  }
  await notifiedJobsItem.setValue(next);
}

async function notify(instance: Instance, fresh: NewStuck[]): Promise<void> {
  const queues = new Set(fresh.map((f) => f.queue.slug));
  const slug = queues.size === 1 ? fresh[0]!.queue.slug : '';
  const lines = fresh.slice(0, MAX_LINES).map(describe);
  if (fresh.length > MAX_LINES) lines.push(`and ${fresh.length - MAX_LINES} more`);
  const title = fresh.length === 1 ? `Stuck job on ${instance.name}` : `${fresh.length} stuck jobs on ${instance.name}`;
  try {
    await browser.notifications.create(notificationId(instance.id, slug), {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title,
      message: lines.join('\n'),
    });
  } catch {
    // Notifications blocked by the OS or the browser: the badge still tells.
  }
}

/** Handles a click on one of our notifications; answers false for other ids. */
export async function openFromNotification(notificationId: string, instances: Instance[]): Promise<boolean> {
  const [prefix, instanceId, slug] = notificationId.split('|');
  if (prefix !== PREFIX) return false;
  const instance = instances.find((i) => i.id === instanceId);
  if (instance) await browser.tabs.create({ url: jobsPageUrl(instance.immichUrl, slug || undefined) });
  await browser.notifications.clear(notificationId);
  return true;
}

/**
 * One look at an instance through Immich's own API, for when it has no bridge or its bridge is down: Immich's
 * counts, and the active jobs of each busy queue dated by when the extension first saw them. Never throws.
 */
import { createImmichClient } from '../lib/immich-direct/immich-client.ts';
import { directQueue, trackSightings, type DirectSnapshot } from '../lib/immich-direct/direct-view.ts';
import { instanceOrigins } from '../lib/instance-url.ts';
import { NO_HOST_ACCESS, type BridgeError, type Instance } from '../lib/messaging.ts';
import { sightingsItem } from '../lib/storage.ts';
import { hasAccess } from './registration.ts';

/** Immich unreachable where the extension knows why: it holds no host access for Immich's origin. */
async function explain(instance: Instance, error: BridgeError): Promise<BridgeError> {
  if (error.kind !== 'immich_unreachable' || (await hasAccess(instance))) return error;
  return {
    kind: 'browser',
    code: NO_HOST_ACCESS,
    message: `The extension has no access to ${instanceOrigins(instance).join(' and ')}: it was not granted, or was withdrawn.`,
  };
}

export async function pollDirect(
  instance: Instance,
  reason: DirectSnapshot['reason'],
  previous: DirectSnapshot | undefined,
): Promise<DirectSnapshot> {
  const client = createImmichClient(instance.immichUrl);
  const listed = await client.queues();
  if (!listed.ok) {
    return {
      reason,
      legacy: previous?.legacy ?? false,
      queues: previous?.queues ?? [],
      fetchedAt: previous?.fetchedAt ?? null,
      error: await explain(instance, listed.error),
    };
  }
  const { queues, legacy } = listed.data;
  // Only busy queues are asked for their jobs; an idle one has none to list. Before 2.4 there are no job lists.
  const jobs = await Promise.all(
    queues.map(async (queue) => {
      if (legacy) return null;
      if (queue.statistics.active === 0) return [];
      const result = await client.activeJobs(queue.name);
      return result.ok ? result.data : null;
    }),
  );
  const now = Date.now();
  const item = sightingsItem(instance.id);
  const before = await item.getValue();
  const sightings = trackSightings(
    before,
    Object.fromEntries(
      queues.map((queue, i) => [queue.name, jobs[i]?.flatMap((job) => (job.id === undefined ? [] : [job.id])) ?? null]),
    ),
    now,
  );
  // Polled every 2 s while a page is open: written only when a job came or went.
  if (JSON.stringify(sightings) !== JSON.stringify(before)) await item.setValue(sightings);
  return {
    reason,
    legacy,
    queues: queues.map((queue, i) => directQueue(queue, jobs[i] ?? null, sightings, now)),
    fetchedAt: now,
    error: null,
  };
}

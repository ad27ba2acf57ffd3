/** Every storage item of the extension, in one place (STYLE §3.9). */
import { storage } from 'wxt/utils/storage';
import type { Sightings } from './immich-direct/direct-view.ts';
import type { Instance, InstanceSnapshot } from './messaging.ts';

/** Instances with their bridge tokens: `local`, never `sync` (sync is uploaded to the browser account). */
export const instancesItem = storage.defineItem<Instance[]>('local:instances', { fallback: [] });

export interface Settings {
  /** System notification when a new stuck job appears. */
  notifyOnStuck: boolean;
}
export const settingsItem = storage.defineItem<Settings>('local:settings', {
  fallback: { notifyOnStuck: true },
});

/** Latest poll result per instance id; per browser session, rebuilt by polling. */
export const snapshotsItem = storage.defineItem<Record<string, InstanceSnapshot>>('session:snapshots', {
  fallback: {},
});

/**
 * Stuck jobs already announced, per instance id, as `<queue>/<jobId>/<processedOn>` keys. Kept in `local`
 * so a browser restart does not announce the same zombie again; pruned to the jobs still stuck.
 */
export const notifiedJobsItem = storage.defineItem<Record<string, string[]>>('local:notifiedJobs', {
  fallback: {},
});

/**
 * When the extension first saw each active job of an instance through Immich's own API (which gives no start
 * time): one item per instance id, in `local` so the observed ages survive a browser restart. Pruned to the jobs
 * still active on each poll, cleared while the bridge answers and when the instance is removed.
 */
export const sightingsItem = (instanceId: string) =>
  storage.defineItem<Sightings>(`local:sightings:${instanceId}`, { fallback: {} });

export async function getInstance(instanceId: string): Promise<Instance | undefined> {
  return (await instancesItem.getValue()).find((instance) => instance.id === instanceId);
}

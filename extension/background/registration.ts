/**
 * The jobs-page content script runs only on the user's Immich origins, known at run time:
 * one registration (`immich-jobs`) whose matches follow the instances the user granted.
 */
import { browser } from 'wxt/browser';
import type { BridgeResult, Instance } from '../lib/messaging.ts';
import { instanceOrigins, originPattern } from '../lib/instance-url.ts';

export const JOBS_SCRIPT_ID = 'immich-jobs';
const JOBS_SCRIPT_FILE = 'content-scripts/jobs.js';

export async function hasAccess(instance: Instance): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: instanceOrigins(instance) });
  } catch {
    return false;
  }
}

/** Immich origins of the instances whose host access is granted. */
async function grantedPatterns(instances: Instance[]): Promise<string[]> {
  const granted = await Promise.all(
    instances.map(async (i) => ((await hasAccess(i)) ? originPattern(i.immichUrl) : null)),
  );
  return [...new Set(granted.filter((p): p is string => p !== null))];
}

// The options page's registerInstance and the background's storage watch can sync at the same moment; run
// one sync after the other, or both register and the second fails with "Duplicate script ID".
let queue: Promise<unknown> = Promise.resolve();

/** Registers, updates or removes the jobs-page script so it matches exactly the granted Immich origins. */
export function syncJobsScript(instances: Instance[]): Promise<BridgeResult<string[]>> {
  const run = queue.then(() => sync(instances));
  queue = run.catch(() => undefined);
  return run;
}

async function sync(instances: Instance[]): Promise<BridgeResult<string[]>> {
  try {
    const matches = await grantedPatterns(instances);
    const existing = await browser.scripting.getRegisteredContentScripts({ ids: [JOBS_SCRIPT_ID] });
    if (matches.length === 0) {
      if (existing.length > 0) await browser.scripting.unregisterContentScripts({ ids: [JOBS_SCRIPT_ID] });
    } else if (existing.length > 0) {
      await browser.scripting.updateContentScripts([{ id: JOBS_SCRIPT_ID, matches, js: [JOBS_SCRIPT_FILE] }]);
    } else {
      await browser.scripting.registerContentScripts([
        { id: JOBS_SCRIPT_ID, matches, js: [JOBS_SCRIPT_FILE], runAt: 'document_idle', persistAcrossSessions: true },
      ]);
    }
    return { ok: true, data: matches };
  } catch (error) {
    // Typically a build without the jobs-page script: the rest of the extension still works.
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { kind: 'browser', message: `Could not set up the Jobs page script: ${detail}` } };
  }
}

/** After `registerInstance`: the instance must be granted, then the script follows. */
export async function registerInstance(instance: Instance, all: Instance[]): Promise<BridgeResult<true>> {
  if (!(await hasAccess(instance))) {
    return {
      ok: false,
      error: { kind: 'browser', message: `Access to ${instanceOrigins(instance).join(' and ')} is not granted.` },
    };
  }
  const synced = await syncJobsScript(all);
  return synced.ok ? { ok: true, data: true } : synced;
}

/** Drops host access no remaining instance needs (after an instance was removed or changed). */
export async function dropUnusedAccess(before: Instance[], after: Instance[]): Promise<void> {
  const kept = new Set(after.flatMap(instanceOrigins));
  const unused = [...new Set(before.flatMap(instanceOrigins))].filter((origin) => !kept.has(origin));
  if (unused.length === 0) return;
  try {
    await browser.permissions.remove({ origins: unused });
  } catch {
    // Manifest-granted origins (the e2e build) cannot be removed; nothing else to do.
  }
}

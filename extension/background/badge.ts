/** Toolbar badge: total stuck jobs across instances (red), or a grey "!" when a bridge cannot be read. */
import { browser } from 'wxt/browser';
import type { ActiveJob } from '@immich-admin-tools/shared';
import type { BridgeError, Instance, InstanceSnapshot } from '../lib/messaging.ts';

export const STUCK_COLOR = '#dc2626';
export const PROBLEM_COLOR = '#6b7280';
const TITLE = 'Immich Admin Tools';

export interface BadgeView {
  text: string;
  color: string;
  title: string;
}

const ERROR_LABELS: Record<BridgeError['kind'], string> = {
  unreachable: 'bridge unreachable',
  unauthorized: 'token refused',
  not_a_bridge: 'URL is not a bridge',
  redis_down: 'bridge cannot reach Redis',
  http: 'bridge error',
  no_instance: 'not configured',
  browser: 'access not granted',
  immich_auth: 'sign in to Immich as an admin',
  immich_unreachable: 'Immich unreachable',
  immich_error: 'Immich error',
};

/** Stuck jobs per queue title, for one healthy snapshot. */
function stuckByQueue(snapshot: InstanceSnapshot): { title: string; jobs: ActiveJob[] }[] {
  return snapshot.queues.filter((q) => q.stuckJobs.length > 0).map((q) => ({ title: q.title, jobs: q.stuckJobs }));
}

/** Pure: what the badge should show for these instances and snapshots. */
export function badgeView(instances: Instance[], snapshots: Record<string, InstanceSnapshot>): BadgeView {
  if (instances.length === 0)
    return { text: '', color: PROBLEM_COLOR, title: `${TITLE}: add an instance in the options` };
  let stuck = 0;
  let problems = 0;
  const lines: string[] = [];
  for (const instance of instances) {
    const snapshot = snapshots[instance.id];
    if (!snapshot) {
      lines.push(`${instance.name}: checking…`);
    } else if (snapshot.error) {
      // Old data of a bridge we cannot read is not counted: the badge would claim what we no longer know.
      problems++;
      lines.push(`${instance.name}: ${ERROR_LABELS[snapshot.error.kind]}`);
    } else if (snapshot.direct) {
      // Immich's own API classifies nothing: no stuck count to claim.
      lines.push(`${instance.name}: no bridge, counts from Immich`);
    } else {
      const queues = stuckByQueue(snapshot);
      const count = queues.reduce((sum, q) => sum + q.jobs.length, 0);
      stuck += count;
      lines.push(
        count === 0
          ? `${instance.name}: all queues healthy`
          : `${instance.name}: ${count} stuck (${queues.map((q) => `${q.title} ${q.jobs.length}`).join(', ')})`,
      );
    }
  }
  const title = [TITLE, ...lines].join('\n');
  if (stuck > 0) return { text: stuck > 999 ? '999+' : String(stuck), color: STUCK_COLOR, title };
  if (problems > 0) return { text: '!', color: PROBLEM_COLOR, title };
  return { text: '', color: STUCK_COLOR, title };
}

/** Firefox MV2 has browserAction where MV3 has action. */
function actionApi() {
  return browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;
}

export async function showBadge(view: BadgeView): Promise<void> {
  const action = actionApi();
  await Promise.all([
    action.setBadgeText({ text: view.text }),
    action.setBadgeBackgroundColor({ color: view.color }),
    action.setTitle({ title: view.title }),
  ]);
}

/** Wiring only: polling, badge, notifications, script registration and the message handlers. */
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { badgeView, showBadge } from '../background/badge.ts';
import { registerHandlers } from '../background/handlers.ts';
import { announceNewStuck, openFromNotification } from '../background/notifications.ts';
import { createPoller } from '../background/poller.ts';
import { dropUnusedAccess, syncJobsScript } from '../background/registration.ts';
import { LIVE_PORT } from '../lib/messaging.ts';
import { instancesItem, notifiedJobsItem, sightingsItem, snapshotsItem } from '../lib/storage.ts';

const POLL_ALARM = 'iat-poll';

/** One minute is the floor that works everywhere (packed Chrome refuses under 30 s). */
async function ensureAlarm(): Promise<void> {
  if (!(await browser.alarms.get(POLL_ALARM))) await browser.alarms.create(POLL_ALARM, { periodInMinutes: 1 });
}

export default defineBackground(() => {
  const poller = createPoller({
    async onSnapshots(snapshots, _previous, instances) {
      await showBadge(badgeView(instances, snapshots));
      await announceNewStuck(instances, snapshots);
    },
  });
  registerHandlers(poller);

  // Listeners are registered synchronously at top level so events wake the MV3 worker.
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === POLL_ALARM) void poller.pollAll();
  });
  browser.runtime.onConnect.addListener((port) => {
    if (port.name === LIVE_PORT) poller.addPort(port);
  });
  browser.notifications.onClicked.addListener((id) => {
    void instancesItem.getValue().then((instances) => openFromNotification(id, instances));
  });
  browser.permissions.onRemoved.addListener(() => {
    void instancesItem.getValue().then(syncJobsScript);
  });
  // Access granted from the popup (whose page may close under the prompt): register the Jobs page script, poll.
  browser.permissions.onAdded.addListener(() => {
    void instancesItem
      .getValue()
      .then(syncJobsScript)
      .then(() => poller.pollAll());
  });
  instancesItem.watch((after, before) => {
    void (async () => {
      await dropUnusedAccess(before ?? [], after ?? []);
      await syncJobsScript(after ?? []);
      const ids = new Set((after ?? []).map((i) => i.id));
      const notified = await notifiedJobsItem.getValue();
      await notifiedJobsItem.setValue(Object.fromEntries(Object.entries(notified).filter(([id]) => ids.has(id))));
      await Promise.all((before ?? []).filter((i) => !ids.has(i.id)).map((i) => sightingsItem(i.id).removeValue()));
      await poller.pollAll();
    })();
  });

  const start = async () => {
    await ensureAlarm();
    await syncJobsScript(await instancesItem.getValue());
    await poller.pollAll();
  };
  // Badge state lives per browser session; on install, update and start it is rebuilt from a fresh poll.
  browser.runtime.onInstalled.addListener(() => void start());
  browser.runtime.onStartup.addListener(() => void start());
  // A worker woken by any other event still shows the last known state at once.
  void ensureAlarm();
  void Promise.all([instancesItem.getValue(), snapshotsItem.getValue()]).then(([instances, snapshots]) =>
    showBadge(badgeView(instances, snapshots)),
  );
});

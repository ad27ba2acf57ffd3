import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { notifiedJobsItem, settingsItem } from '../lib/storage.ts';
import { activeJob, instance, queueSummary, snapshot } from '../test/snapshot.factory.ts';
import { announceNewStuck, openFromNotification } from './notifications.ts';

const home = instance();
const stuckFaces = (jobs = [activeJob()]) => ({
  home: snapshot([queueSummary('faceDetection', { activeJobs: jobs })]),
});

describe('stuck-job notifications', () => {
  beforeEach(() => fakeBrowser.reset());

  it('announces a new stuck job once, with queue, file name and age', async () => {
    const create = vi.spyOn(fakeBrowser.notifications, 'create');
    await announceNewStuck([home], stuckFaces());
    await announceNewStuck([home], stuckFaces());
    expect(create).toHaveBeenCalledTimes(1);
    const [id, options] = create.mock.calls[0] as unknown as [string, { title: string; message: string }];
    expect(id).toMatch(/^iat-stuck\|home\|face-detection\|/);
    expect(options.title).toBe('Stuck job on Home');
    expect(options.message).toBe('Face Detection: IMG_0042.HEIC, hung for 10m 00s');
  });

  it('announces only the jobs that are new, and forgets cleared ones', async () => {
    const create = vi.spyOn(fakeBrowser.notifications, 'create');
    await announceNewStuck([home], stuckFaces());
    await announceNewStuck([home], stuckFaces([activeJob(), activeJob({ jobId: '102', assetFileName: 'b.jpg' })]));
    expect(create).toHaveBeenCalledTimes(2);
    expect((create.mock.calls[1] as unknown as [string, { message: string }])[1].message).toContain('b.jpg');
    await announceNewStuck([home], stuckFaces([]));
    expect(await notifiedJobsItem.getValue()).toEqual({ home: [] });
  });

  it('stays silent when switched off, without replaying those jobs later', async () => {
    const create = vi.spyOn(fakeBrowser.notifications, 'create');
    await settingsItem.setValue({ notifyOnStuck: false });
    await announceNewStuck([home], stuckFaces());
    await settingsItem.setValue({ notifyOnStuck: true });
    await announceNewStuck([home], stuckFaces());
    expect(create).not.toHaveBeenCalled();
  });

  it('keeps what was announced while a bridge cannot be read', async () => {
    const create = vi.spyOn(fakeBrowser.notifications, 'create');
    await announceNewStuck([home], stuckFaces());
    await announceNewStuck([home], { home: snapshot([], { error: { kind: 'unreachable', message: 'x' } }) });
    await announceNewStuck([home], stuckFaces());
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('opens the queue page of the instance on click', async () => {
    const id = 'iat-stuck|home|face-detection|1';
    await fakeBrowser.notifications.create(id, { type: 'basic', iconUrl: '', title: '', message: '' });
    expect(await openFromNotification(id, [home])).toBe(true);
    const tabs = await fakeBrowser.tabs.query({});
    expect(tabs.at(-1)?.url).toBe('http://photos.test/admin/queues/face-detection');
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
    expect(await openFromNotification('someone-else', [home])).toBe(false);
  });
});

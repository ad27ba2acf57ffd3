import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { instance } from '../test/snapshot.factory.ts';
import { dropUnusedAccess, JOBS_SCRIPT_ID, registerInstance, syncJobsScript } from './registration.ts';

type Script = { id: string; matches?: string[]; js?: string[] };

/** fakeBrowser has no scripting or permissions: an in-memory stand-in with the same calls. */
function fakeScripting(granted: Set<string>) {
  const scripts = new Map<string, Script>();
  const s = fakeBrowser.scripting;
  vi.spyOn(s, 'getRegisteredContentScripts').mockImplementation((async (filter?: { ids?: string[] }) =>
    [...scripts.values()].filter((x) => !filter?.ids || filter.ids.includes(x.id))) as never);
  vi.spyOn(s, 'registerContentScripts').mockImplementation((async (list: Script[]) => {
    for (const script of list) {
      if (scripts.has(script.id)) throw new Error(`Duplicate script ID '${script.id}'`);
      scripts.set(script.id, script);
    }
  }) as never);
  vi.spyOn(s, 'updateContentScripts').mockImplementation((async (list: Script[]) => {
    for (const script of list) scripts.set(script.id, { ...scripts.get(script.id)!, ...script });
  }) as never);
  vi.spyOn(s, 'unregisterContentScripts').mockImplementation((async (filter?: { ids?: string[] }) => {
    for (const id of filter?.ids ?? []) scripts.delete(id);
  }) as never);
  vi.spyOn(fakeBrowser.permissions, 'contains').mockImplementation((async (p: { origins?: string[] }) =>
    (p.origins ?? []).every((o) => granted.has(o))) as never);
  const remove = vi.spyOn(fakeBrowser.permissions, 'remove').mockImplementation((async (p: { origins?: string[] }) => {
    (p.origins ?? []).forEach((o) => granted.delete(o));
    return true;
  }) as never);
  return { scripts, remove };
}

const home = instance({ immichUrl: 'https://photos.home.test', bridgeUrl: 'http://nas.home.test:2285' });
const work = instance({ id: 'work', immichUrl: 'https://photos.work.test', bridgeUrl: 'https://bridge.work.test' });

describe('jobs-page script registration', () => {
  beforeEach(() => fakeBrowser.reset());

  it('registers one script for the granted Immich origins and follows changes', async () => {
    const granted = new Set(['https://photos.home.test/*', 'http://nas.home.test/*']);
    const { scripts } = fakeScripting(granted);
    expect(await registerInstance(home, [home, work])).toEqual({ ok: true, data: true });
    expect(scripts.get(JOBS_SCRIPT_ID)).toMatchObject({
      matches: ['https://photos.home.test/*'],
      js: ['content-scripts/jobs.js'],
    });
    granted.add('https://photos.work.test/*').add('https://bridge.work.test/*');
    await syncJobsScript([home, work]);
    expect(scripts.get(JOBS_SCRIPT_ID)?.matches).toEqual(['https://photos.home.test/*', 'https://photos.work.test/*']);
    await syncJobsScript([]);
    expect(scripts.size).toBe(0);
  });

  it('registers once when two syncs run at the same moment', async () => {
    const { scripts } = fakeScripting(new Set(['https://photos.home.test/*', 'http://nas.home.test/*']));
    const results = await Promise.all([syncJobsScript([home]), registerInstance(home, [home]), syncJobsScript([home])]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(scripts.get(JOBS_SCRIPT_ID)?.matches).toEqual(['https://photos.home.test/*']);
  });

  it('refuses to register an instance whose access was not granted', async () => {
    const { scripts } = fakeScripting(new Set(['https://photos.home.test/*']));
    const result = await registerInstance(home, [home]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'browser' } });
    expect(scripts.size).toBe(0);
  });

  it('answers a typed error when the browser refuses the script (a build without it)', async () => {
    fakeScripting(new Set(['https://photos.home.test/*', 'http://nas.home.test/*']));
    vi.mocked(fakeBrowser.scripting.registerContentScripts).mockRejectedValue(
      new Error("Could not load javascript 'content-scripts/jobs.js' for script."),
    );
    const result = await syncJobsScript([home]);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'browser', message: expect.stringContaining('jobs.js') },
    });
  });

  it('drops host access only for origins no remaining instance uses', async () => {
    const shared = instance({ id: 'b', immichUrl: 'https://photos.home.test', bridgeUrl: 'https://bridge.work.test' });
    const { remove } = fakeScripting(new Set());
    await dropUnusedAccess([home, shared], [shared]);
    expect(remove).toHaveBeenCalledWith({ origins: ['http://nas.home.test/*'] });
  });
});

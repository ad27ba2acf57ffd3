import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { onMessage } from '../messaging.ts';
import { instance, snapshot } from '../../test/snapshot.factory.ts';
import { routeRuntimeMessages } from '../../test/fake-messaging.ts';
import { PopupState } from './popup-state.svelte.ts';

describe('popup state: Grant access', () => {
  let refreshed: string[];
  let unsubscribe: () => void;
  beforeEach(() => {
    routeRuntimeMessages();
    refreshed = [];
    unsubscribe = onMessage('refresh', ({ data }) => {
      refreshed.push(data.instanceId);
      return snapshot([], { instanceId: data.instanceId });
    });
  });
  afterEach(() => unsubscribe());

  const popup = () => {
    const state = new PopupState();
    state.instances = [instance({ id: 'home', immichUrl: 'http://photos.test', bridgeUrl: 'http://nas.test:2285' })];
    return state;
  };

  it('asks for both origins at once, within the click, then polls again', async () => {
    const request = vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValue(true);
    const done = popup().grantAccess('home');
    // Before anything was awaited: Firefox refuses a request made after an await.
    expect(request).toHaveBeenCalledWith({ origins: ['http://photos.test/*', 'http://nas.test/*'] });
    await done;
    expect(refreshed).toEqual(['home']);
  });

  it('says so when the user declines, and does not poll', async () => {
    vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValue(false);
    const state = popup();
    await state.grantAccess('home');
    expect(state.notices.home).toMatchObject({ tone: 'danger', text: expect.stringMatching(/not granted/) });
    expect(refreshed).toEqual([]);
  });
});

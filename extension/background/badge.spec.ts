import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { activeJob, directSnapshot, instance, queueSummary, snapshot } from '../test/snapshot.factory.ts';
import { badgeView, PROBLEM_COLOR, showBadge, STUCK_COLOR } from './badge.ts';

const home = instance();
const work = instance({ id: 'work', name: 'Work' });

describe('badge', () => {
  beforeEach(() => fakeBrowser.reset());

  it('counts stuck jobs over all instances, red, and names instances and queues', () => {
    const view = badgeView([home, work], {
      home: snapshot([
        queueSummary('faceDetection', { activeJobs: [activeJob(), activeJob({ jobId: '2', state: 'orphaned' })] }),
        queueSummary('smartSearch', { activeJobs: [activeJob({ jobId: '3', state: 'running' })] }),
      ]),
      work: snapshot([queueSummary('ocr', { activeJobs: [activeJob({ jobId: '9', state: 'dangling' })] })], {
        instanceId: 'work',
      }),
    });
    expect(view.text).toBe('3');
    expect(view.color).toBe(STUCK_COLOR);
    expect(view.title).toContain('Home: 2 stuck (Face Detection 2)');
    expect(view.title).toContain('Work: 1 stuck (OCR 1)');
  });

  it('shows a grey "!" when a bridge cannot be read and nothing is stuck elsewhere', () => {
    const view = badgeView([home, work], {
      home: snapshot([], { error: { kind: 'unauthorized', message: '401' } }),
      work: snapshot([], { instanceId: 'work' }),
    });
    expect(view).toMatchObject({ text: '!', color: PROBLEM_COLOR });
    expect(view.title).toContain('Home: token refused');
    expect(view.title).toContain('Work: all queues healthy');
  });

  it('does not count old data of a bridge it cannot read', () => {
    const stale = snapshot([queueSummary('faceDetection', { activeJobs: [activeJob()] })], {
      error: { kind: 'unreachable', message: 'down' },
    });
    expect(badgeView([home], { home: stale }).text).toBe('!');
  });

  it('claims nothing stuck for an instance without a bridge, and a grey "!" when Immich wants a sign-in', () => {
    const ok = badgeView([home], { home: directSnapshot([]) });
    expect(ok.text).toBe('');
    expect(ok.title).toContain('Home: no bridge, counts from Immich');
    const error = { kind: 'immich_auth' as const, message: '401' };
    const signedOut = badgeView([home], { home: directSnapshot([], { error }, { error }) });
    expect(signedOut).toMatchObject({ text: '!', color: PROBLEM_COLOR });
    expect(signedOut.title).toContain('Home: sign in to Immich as an admin');
  });

  it('is empty when all is healthy or nothing is configured', () => {
    expect(badgeView([home], { home: snapshot([queueSummary('faceDetection')]) }).text).toBe('');
    expect(badgeView([], {}).title).toContain('add an instance');
  });

  it('writes text, colour and tooltip to the toolbar action', async () => {
    await showBadge({ text: '4', color: STUCK_COLOR, title: 'Immich Admin Tools\nHome: 4 stuck' });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('4');
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([0xdc, 0x26, 0x26, 255]);
    expect(await fakeBrowser.action.getTitle({})).toBe('Immich Admin Tools\nHome: 4 stuck');
  });
});

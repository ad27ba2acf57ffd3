import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NO_HOST_ACCESS, type InstanceSnapshot } from '../lib/messaging.ts';
import { activeJob, directQueue, directSnapshot, instance, queueSummary, snapshot } from '../test/snapshot.factory.ts';
import InstanceCard from './InstanceCard.svelte';
import PageHarness from './PageHarness.test.svelte';

function renderCard(snap: InstanceSnapshot | undefined, now = snap?.fetchedAt ?? Date.now()) {
  const props = {
    instance: instance(),
    snapshot: snap,
    now,
    notice: undefined,
    isBusy: () => false,
    onClearStuck: vi.fn(),
    onTogglePause: vi.fn(),
    onClearFailed: vi.fn(),
    onOpenJobs: vi.fn(),
    onOpenHistory: vi.fn(),
    onRefresh: vi.fn(),
    onGrantAccess: vi.fn(),
    onDismissNotice: vi.fn(),
  };
  render(PageHarness, { props: { component: InstanceCard as unknown as Component<Record<string, unknown>>, props } });
  return props;
}

const stuckSnapshot = () =>
  snapshot([
    queueSummary('thumbnailGeneration', {
      activeJobs: [activeJob({ jobId: '1', state: 'running', ageSeconds: 3, assetFileName: 'ok.jpg' })],
      counts: { waiting: 40, paused: 0, active: 1, delayed: 0, prioritized: 0, failed: 0 },
    }),
    queueSummary('faceDetection', {
      activeJobs: [
        activeJob({ jobId: '101', state: 'hung', ageSeconds: 400 }),
        activeJob({ jobId: '102', state: 'orphaned', ageSeconds: 65, assetFileName: 'VID_0001.MP4' }),
      ],
    }),
    queueSummary('ocr'),
  ]);

describe('popup instance card', () => {
  afterEach(cleanup);

  it('says that access was not granted, instead of "unreachable", and offers to grant it', async () => {
    const message = 'The extension has no access to http://photos.test/* and http://nas.test/*: it was not granted.';
    const props = renderCard(
      snapshot([], { fetchedAt: null, error: { kind: 'browser', code: NO_HOST_ACCESS, message } }),
    );
    expect(screen.getByTestId('connection').textContent?.trim()).toBe('No access');
    expect(screen.getByText(message)).toBeTruthy();
    expect(screen.queryByText(/Unreachable|is access granted/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Grant access' }));
    expect(props.onGrantAccess).toHaveBeenCalledOnce();
  });

  it('offers no grant when the bridge is unreachable for another reason', () => {
    renderCard(snapshot([], { fetchedAt: null, error: { kind: 'unreachable', message: 'Cannot reach the bridge' } }));
    expect(screen.queryByRole('button', { name: 'Grant access' })).toBeNull();
  });

  it('lists stuck queues first with their stuck jobs, states and ticking ages', () => {
    const snap = stuckSnapshot();
    renderCard(snap, snap.fetchedAt! + 5000);
    const rows = screen.getAllByTestId('queue-row');
    expect(rows.map((r) => r.dataset.queue)).toEqual(['faceDetection', 'thumbnailGeneration']);
    const jobs = within(rows[0]!).getAllByTestId('stuck-job');
    expect(jobs.map((j) => j.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'hung IMG_0042.HEIC 6m 45s',
      'orphaned VID_0001.MP4 1m 10s',
    ]);
    expect(screen.getByTestId('stuck-total').textContent).toBe('2');
    expect(screen.getByText('1 idle queue')).toBeTruthy();
    expect(screen.getByTestId('connection').textContent?.trim()).toBe('Connected');
  });

  it('clears stuck jobs after a mode choice and a confirmation', async () => {
    const props = renderCard(stuckSnapshot());
    await fireEvent.click(screen.getByRole('button', { name: /Clear stuck/ }));
    const confirm = screen.getByTestId('clear-confirm');
    expect(confirm.textContent).toContain('1 hung job keeps its worker slot until Immich restarts');
    await fireEvent.click(within(confirm).getByRole('radio', { name: 'Remove' }));
    expect(props.onClearStuck).not.toHaveBeenCalled();
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Clear 2' }));
    expect(props.onClearStuck).toHaveBeenCalledWith('faceDetection', 'remove');
  });

  it('hides every action of a read-only instance and says why', () => {
    const snap = stuckSnapshot();
    renderCard({ ...snap, status: { ...snap.status!, access: 'read' } });
    expect(screen.getByTestId('read-only').textContent).toBe('Read-only token: actions hidden');
    expect(screen.getAllByTestId('stuck-job')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: /Clear stuck/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^(Pause|Resume) / })).toBeNull();
    expect(screen.getByRole('button', { name: 'Open Face Detection in Immich' })).toBeTruthy();
  });

  it('pauses a queue and opens its Immich page', async () => {
    const props = renderCard(stuckSnapshot());
    await fireEvent.click(screen.getByRole('button', { name: 'Pause Face Detection' }));
    expect(props.onTogglePause).toHaveBeenCalledWith(expect.objectContaining({ name: 'faceDetection' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Open Face Detection in Immich' }));
    expect(props.onOpenJobs).toHaveBeenCalledWith('face-detection');
  });

  it('says all queues are healthy when nothing is stuck', () => {
    renderCard(snapshot([queueSummary('smartSearch')]));
    expect(screen.getByTestId('healthy').textContent).toContain('All queues healthy');
    expect(screen.queryAllByTestId('queue-row')).toHaveLength(0);
  });

  it('shows a loading state before the first answer', () => {
    renderCard(undefined);
    expect(screen.getByTestId('loading').textContent).toContain('Asking the bridge');
    expect(screen.getByTestId('connection').textContent?.trim()).toBe('Checking');
  });

  it('explains an error and keeps the last data', () => {
    renderCard({
      ...stuckSnapshot(),
      error: { kind: 'unauthorized', status: 401, message: 'The bridge refused the token (401).' },
    });
    expect(screen.getByTestId('connection').textContent?.trim()).toBe('Token refused');
    expect(screen.getByText('The bridge refused the token (401).')).toBeTruthy();
    expect(screen.getByText(/Showing data from/)).toBeTruthy();
  });

  describe("without a bridge: Immich's own API", () => {
    const MIN = 60_000;
    const now = Date.now();
    const searching = () =>
      directQueue('smartSearch', {
        statistics: { active: 2, completed: 0, failed: 3, delayed: 0, waiting: 30, paused: 0 },
        activeJobs: [
          { jobId: '34', name: 'SmartSearch', queuedAt: now - 20 * MIN, firstSeenAt: now - 12 * MIN },
          { jobId: '35', name: 'SmartSearch', queuedAt: now - 20 * MIN, firstSeenAt: now - 30_000 },
        ],
      });

    it('shows live counts and each active job as seen active for at least a while, labelled as observed', () => {
      renderCard(directSnapshot([searching(), directQueue('ocr')]), now);
      expect(screen.getByTestId('connection').textContent?.trim()).toBe('No bridge');
      expect(screen.getByTestId('direct-source').textContent).toContain('No bridge: live from Immich’s own API.');
      expect(screen.getByTestId('totals').textContent?.replace(/\s+/g, '')).toBe('30waiting2active3failed');
      const row = screen.getByTestId('direct-queue');
      expect(within(row).getByTestId('direct-counts').textContent?.trim()).toBe('2 active · 30 waiting · 3 failed');
      const jobs = within(row).getAllByTestId('observed-job');
      expect(jobs.map((j) => j.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
        'SmartSearch · 34 seen active for at least 12 min observed',
        'SmartSearch · 35 seen active just now observed',
      ]);
      expect(screen.getByTestId('observed-hint').textContent).toContain('The bridge gives exact ages and recovery.');
      expect(screen.queryByTestId('healthy')).toBeNull();
      expect(screen.getByText('1 idle queue')).toBeTruthy();
    });

    it('pauses a queue and clears its failed jobs', async () => {
      const props = renderCard(directSnapshot([searching()]), now);
      await fireEvent.click(screen.getByRole('button', { name: 'Pause Smart Search' }));
      expect(props.onTogglePause).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'smartSearch', isPaused: false }),
      );
      await fireEvent.click(screen.getByRole('button', { name: 'Clear 3 failed' }));
      expect(props.onClearFailed).toHaveBeenCalledWith('smartSearch');
    });

    it('says the bridge is down and shows Immich’s numbers instead of its last ones', () => {
      const bridgeError = { kind: 'unreachable' as const, message: 'Cannot reach the bridge at http://nas.test:2285.' };
      const snap = directSnapshot([searching()], { reason: 'bridge_down' }, { ...stuckSnapshot(), error: bridgeError });
      renderCard(snap, now);
      expect(screen.getByTestId('connection').textContent?.trim()).toBe('Unreachable');
      expect(screen.getByText(bridgeError.message)).toBeTruthy();
      expect(screen.getByTestId('direct-source').textContent).toContain('The bridge does not answer');
      expect(screen.queryByText(/Showing data from/)).toBeNull();
      expect(screen.queryAllByTestId('stuck-job')).toHaveLength(0);
      expect(screen.getAllByTestId('observed-job')).toHaveLength(2);
    });

    it('asks to sign in to Immich as an admin when Immich refuses the session', () => {
      const error = { kind: 'immich_auth' as const, status: 401, message: 'Immich does not know this browser (401).' };
      renderCard(directSnapshot([], { error, fetchedAt: null }, { error }), now);
      expect(screen.getByTestId('connection').textContent?.trim()).toBe('Signed out');
      expect(screen.getByText(/sign in to Immich as an admin in this browser/)).toBeTruthy();
    });
  });
});

import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync, type Component } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeResult } from '../../lib/messaging.ts';
import type { HistoryResponse, ProblemAssetsResponse, SettingsResponse } from '@immich-admin-tools/shared';
import { ProblemAssetsState } from '../../lib/state/insights-problems.svelte.ts';
import { SettingsState } from '../../lib/state/insights-settings.svelte.ts';
import { TimelineState } from '../../lib/state/insights-timeline.svelte.ts';
import type { OverviewRow } from '../../lib/state/insights.svelte.ts';
import { ASSET_ID, fakeSend, historyItem, problemAsset, settingsResponse, stats } from '../../test/insights.factory.ts';
import { instance, queueSummary, snapshot, status } from '../../test/snapshot.factory.ts';
import PageHarness from '../PageHarness.test.svelte';
import OverviewTable from './OverviewTable.svelte';
import ProblemAssetsView from './ProblemAssetsView.svelte';
import SettingsView from './SettingsView.svelte';
import TimelineView from './TimelineView.svelte';

const show = <P extends Record<string, unknown>>(component: Component<P>, props: P) =>
  render(PageHarness, {
    props: { component: component as unknown as Component<Record<string, unknown>>, props },
  });
const settle = async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
};
const tooOld: BridgeResult<never> = {
  ok: false,
  error: { kind: 'http', status: 404, code: 'NOT_FOUND', message: 'No such endpoint' },
};

describe('insights views', () => {
  afterEach(cleanup);

  it('overview: one row per instance, the down one says why', () => {
    const rows: OverviewRow[] = [
      {
        instance: instance(),
        snapshot: snapshot([queueSummary('faceDetection')], {
          status: status([], { stuckJobs: 2, conditions: [{ queue: 'ocr', condition: 'no_workers', since: '' }] }),
        }),
        stats: { loading: false, data: stats().totals, error: null },
      },
      {
        instance: instance({ id: 'cabin', name: 'Cabin' }),
        snapshot: snapshot([], {
          instanceId: 'cabin',
          status: null,
          error: { kind: 'unreachable', message: 'Cannot reach the bridge' },
        }),
        stats: { loading: false, data: null, error: { kind: 'unreachable', message: 'Cannot reach the bridge' } },
      },
    ];
    show(OverviewTable, { rows, onOpen: () => {} });
    const [home, cabin] = screen.getAllByTestId('overview-row');
    expect(home!.dataset.connection).toBe('Connected');
    expect(within(home!).getByTestId('stuck-now').textContent?.trim()).toBe('2');
    expect(within(home!).getByTestId('completed-today').textContent?.trim()).toBe('12');
    expect(within(home!).getByTestId('failed-today').textContent?.trim()).toBe('1');
    expect(home!.textContent).toContain('ocr: no workers');
    expect(cabin!.dataset.connection).toBe('Unreachable');
    expect(within(cabin!).getByTestId('stuck-now').textContent?.trim()).toBe('–');
  });

  it('timeline: rows link to the asset in Immich, pages with the cursor and keep the filters', async () => {
    const pages: Record<string, HistoryResponse> = {
      first: {
        items: [historyItem({ id: 9 }), historyItem({ id: 8, event: 'stuck_job_cleared', mode: 'fail' })],
        nextBefore: 8,
      },
      second: { items: [historyItem({ id: 3, event: 'job_failed', assetId: null })], nextBefore: null },
    };
    const { send, calls } = fakeSend({
      getHistory: (data) => ({ ok: true, data: data.before === 8 ? pages.second! : pages.first! }),
    });
    const timeline = new TimelineState(send, () => 'home', {
      queue: 'faceDetection',
      event: '',
      assetId: '',
      jobId: '',
      since: '2026-12-01T09:00:00.000Z',
      until: '',
    });
    await timeline.load();
    show(TimelineView, {
      timeline,
      immichUrl: 'http://photos.test',
      queues: ['faceDetection'],
      thumbnail: () => null,
      onNeedThumbnail: () => {},
      onApply: () => {},
      onExport: () => {},
    });
    expect(screen.getAllByTestId('history-row').map((row) => row.dataset.id)).toEqual(['9', '8']);
    expect(screen.getAllByTestId('asset-link')[0]!.getAttribute('href')).toBe(`http://photos.test/photos/${ASSET_ID}`);
    await fireEvent.click(screen.getByRole('button', { name: 'Older events' }));
    await settle();
    expect(screen.getAllByTestId('history-row').map((row) => row.dataset.id)).toEqual(['9', '8', '3']);
    expect(screen.queryByRole('button', { name: 'Older events' })).toBeNull();
    expect(calls.map(([, data]) => [data.queue, data.since, data.before])).toEqual([
      ['faceDetection', '2026-12-01T09:00:00.000Z', undefined],
      ['faceDetection', '2026-12-01T09:00:00.000Z', 8],
    ]);
  });

  it('timeline: an empty range says so, a bridge without /api/history says to update it', async () => {
    const empty = new TimelineState(
      fakeSend({ getHistory: () => ({ ok: true, data: { items: [], nextBefore: null } }) }).send,
      () => 'home',
    );
    await empty.load();
    const props = {
      immichUrl: '',
      queues: [],
      thumbnail: () => null,
      onNeedThumbnail: () => {},
      onApply: () => {},
      onExport: () => {},
    };
    show(TimelineView, { timeline: empty, ...props });
    expect(screen.getByTestId('view-empty').textContent).toContain('Nothing happened in this range');
    cleanup();
    const old = new TimelineState(fakeSend({ getHistory: () => tooOld }).send, () => 'home');
    await old.load();
    show(TimelineView, { timeline: old, ...props });
    expect(screen.getByTestId('view-error').textContent).toContain('Bridge too old');
    expect(screen.getByTestId('view-error').textContent).toContain('update the bridge');
  });

  it('problem assets: quarantine asks first, then tells the bridge; a read-only token gets no buttons', async () => {
    const { send, calls } = fakeSend({
      getProblemAssets: (): BridgeResult<ProblemAssetsResponse> => ({
        ok: true,
        data: { items: [problemAsset()], nextBefore: null },
      }),
      setQuarantine: (data) => ({ ok: true, data: { assetId: data.assetId, quarantined: data.quarantined } }),
    });
    const problems = new ProblemAssetsState(send, () => 'home');
    await problems.load();
    const props = { problems, immichUrl: 'http://photos.test', thumbnail: () => null, onNeedThumbnail: () => {} };
    show(ProblemAssetsView, { ...props, readOnly: false });
    const row = screen.getByTestId('problem-asset');
    expect(row.textContent).toContain('IMG_0042.HEIC');
    expect(row.textContent).toContain('job stalled more than allowable limit');
    await fireEvent.click(within(row).getByRole('button', { name: 'Quarantine…' }));
    expect(calls.some(([type]) => type === 'setQuarantine')).toBe(false);
    await fireEvent.click(within(row).getByTestId('confirm-quarantine'));
    await settle();
    expect(calls.find(([type]) => type === 'setQuarantine')?.[1]).toMatchObject({
      assetId: ASSET_ID,
      quarantined: true,
    });
    expect(screen.getByTestId('problem-asset').dataset.quarantined).toBe('true');
    expect(screen.getByTestId('problem-asset').textContent).toContain('Quarantined');
    cleanup();
    show(ProblemAssetsView, { ...props, readOnly: true });
    expect(screen.queryAllByRole('button', { name: /Quarantine|Release/ })).toHaveLength(0);
  });

  it('settings: shows where values come from, sends only changes and puts the bridge’s errors beside the field', async () => {
    const { send, calls } = fakeSend({
      getSettings: (): BridgeResult<SettingsResponse> => ({ ok: true, data: settingsResponse() }),
      updateSettings: () => ({
        ok: false,
        error: {
          kind: 'http',
          status: 400,
          code: 'BAD_REQUEST',
          message: 'Invalid settings',
          fields: { 'autoHeal.intervalSeconds': 'must be at least 10' },
        },
      }),
    });
    const settings = new SettingsState(send, () => 'home');
    await settings.load();
    const queues = [
      queueSummary('faceDetection', {
        configuredThresholdSeconds: 300,
        adaptiveThresholdSeconds: 900,
        thresholdSeconds: 900,
      }),
    ];
    const autoHeal = {
      enabled: true,
      action: 'alert_only' as const,
      breaker: { open: true, actionsThisHour: 5, budget: 5 },
    };
    show(SettingsView, { settings, queues, status: status(queues, { autoHeal }), readOnly: false });
    const mode = screen.getAllByTestId('setting').find((s) => s.dataset.key === 'autoHeal.mode')!;
    expect(within(mode).getByTestId('source-env').textContent).toContain('AUTO_HEAL_ACTION');
    const cells = screen.getByTestId('threshold-table').querySelectorAll('tr[data-queue="faceDetection"] td');
    expect(Array.from(cells, (cell) => cell.textContent?.trim())).toEqual([
      'Face Detection',
      '5m 00s',
      '15m 00s',
      '15m 00s',
    ]);
    expect(screen.getByTestId('breaker').textContent).toContain('open');
    const interval = document.querySelector<HTMLInputElement>('input[name="autoHeal.intervalSeconds"]')!;
    await fireEvent.change(interval, { target: { value: '5' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await settle();
    expect(calls.find(([type]) => type === 'updateSettings')?.[1]).toEqual({
      instanceId: 'home',
      update: { autoHeal: { intervalSeconds: 5 } },
    });
    const field = screen.getAllByTestId('setting').find((s) => s.dataset.key === 'autoHeal.intervalSeconds')!;
    expect(within(field).getByTestId('field-error').textContent).toBe('must be at least 10');
    cleanup();
    show(SettingsView, { settings, queues, status: status(queues, { autoHeal }), readOnly: true });
    expect(screen.queryByRole('button', { name: 'Save changes' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reset breaker' })).toBeNull();
    expect(screen.getByTestId('read-only-note')).toBeTruthy();
  });
});

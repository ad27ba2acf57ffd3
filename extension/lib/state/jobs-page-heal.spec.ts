import { describe, expect, it } from 'vitest';
import { queueSummary, snapshot, status } from '../../test/snapshot.factory.ts';
import { withBackground } from '../../test/jobs-page-state.fixture.ts';

const refresh = () => snapshot([queueSummary('ocr')]);

describe('JobsPageState auto-heal, restart and quarantine', () => {
  it('switches auto-heal through the settings API and says so', async () => {
    const { state, calls } = withBackground({ updateSettings: () => ({ ok: true, data: {} }), refresh });
    await state.setAutoHeal(true);
    expect(calls[0]).toEqual({
      type: 'updateSettings',
      data: { instanceId: 'home', update: { autoHeal: { enabled: true } } },
    });
    expect(state.notice).toEqual({ kind: 'success', text: 'Auto-heal is on.' });
  });

  it("shows the bridge's reason when a restart is refused", async () => {
    const { state } = withBackground({
      clearAllAndRestart: () => ({
        ok: false,
        error: {
          kind: 'http',
          status: 409,
          code: 'CONFLICT',
          message: 'Immich was restarted less than 30 minutes ago; try again in 29 min',
        },
      }),
      refresh,
    });
    await state.clearAllAndRestart('fail');
    expect(state.notice).toEqual({
      kind: 'danger',
      text: 'Immich was restarted less than 30 minutes ago; try again in 29 min',
    });
  });

  it('quarantines an asset and knows whether restarts are available', async () => {
    const { state, calls } = withBackground({
      setQuarantine: (d: { assetId: string }) => ({ ok: true, data: { assetId: d.assetId, quarantined: true } }),
      refresh,
    });
    await state.quarantine('ocr', 'a-1');
    expect(calls[0]).toEqual({
      type: 'setQuarantine',
      data: { instanceId: 'home', assetId: 'a-1', quarantined: true },
    });
    expect(state.notice?.kind).toBe('success');
    state.applySnapshot({
      ...snapshot([]),
      status: { ...status([]), restart: { available: true, container: 'immich_server', reason: null } },
    });
    expect(state.health?.restart?.available).toBe(true);
  });
});

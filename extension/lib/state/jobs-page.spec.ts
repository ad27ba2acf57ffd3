import { describe, expect, it } from 'vitest';
import { activeJob, assetDetails, queueSummary, snapshot, status } from '../../test/snapshot.factory.ts';
import { withBackground } from '../../test/jobs-page-state.fixture.ts';

const hung = activeJob({ jobId: '42', state: 'hung', ageSeconds: 400, processedOn: 1_700_000_000_000 });

describe('JobsPageState', () => {
  it('takes snapshots of its own instance only', () => {
    const { state } = withBackground({});
    state.applySnapshot(snapshot([queueSummary('ocr')], { instanceId: 'other' }));
    expect(state.health).toBeNull();
    expect(state.queues).toEqual([]);
    state.applySnapshot(snapshot([queueSummary('faceDetection', { activeJobs: [hung] })]));
    expect(state.totalStuck).toBe(1);
    expect(state.queue('faceDetection')?.stuckJobs).toHaveLength(1);
  });

  it('advances job ages with its clock between snapshots', () => {
    const { state } = withBackground({});
    const fetchedAt = 1_000_000;
    state.applySnapshot(snapshot([queueSummary('faceDetection', { activeJobs: [hung] })], { fetchedAt }));
    state.tick(fetchedAt);
    expect(state.ageOf(hung, state.fetchedAtOf('faceDetection'))).toBe(400);
    state.tick(fetchedAt + 3_000);
    expect(state.ageOf(hung, state.fetchedAtOf('faceDetection'))).toBe(403);
  });

  it('does not advance a dangling job, which has no start time, nor count it as the oldest', () => {
    const { state } = withBackground({});
    const fetchedAt = 1_000_000;
    const dangling = { ...hung, jobId: 'd1', state: 'dangling' as const, ageSeconds: 0, startedAt: null };
    state.applySnapshot(snapshot([queueSummary('duplicateDetection', { activeJobs: [dangling] })], { fetchedAt }));
    state.tick(fetchedAt + 6_000);
    expect(state.ageOf(dangling, state.fetchedAtOf('duplicateDetection'))).toBe(0);
  });

  it('keeps a queue whose only news is older ages, so nothing re-renders', () => {
    const { state } = withBackground({});
    state.applySnapshot(
      snapshot([queueSummary('faceDetection', { activeJobs: [hung] }), queueSummary('ocr')], { fetchedAt: 1_000 }),
    );
    const before = state.queue('faceDetection');
    const older = { ...hung, ageSeconds: 402, lock: { ttlMs: 12_000, renewed: true } };
    state.applySnapshot(
      snapshot([queueSummary('faceDetection', { activeJobs: [older] }), queueSummary('ocr', { rate: 3 })], {
        fetchedAt: 3_000,
      }),
    );
    expect(state.queue('faceDetection')).toBe(before);
    expect(state.fetchedAtOf('faceDetection')).toBe(1_000);
    expect(state.queue('ocr')?.rate).toBe(3);
    expect(state.fetchedAtOf('ocr')).toBe(3_000);
    const second = activeJob({ jobId: '43', processedOn: hung.processedOn! + 1_000 });
    state.applySnapshot(
      snapshot([queueSummary('faceDetection', { activeJobs: [second, older] })], { fetchedAt: 4_000 }),
    );
    const listed = state.queue('faceDetection')!;
    state.applySnapshot(
      snapshot([queueSummary('faceDetection', { activeJobs: [older, second] })], { fetchedAt: 4_500 }),
    );
    expect(state.queue('faceDetection')).toBe(listed);
    expect(listed.activeJobs.map((job) => job.jobId)).toEqual(['42', '43']);
    const restarted = { ...hung, processedOn: hung.processedOn! + 60_000, ageSeconds: 1 };
    state.applySnapshot(snapshot([queueSummary('faceDetection', { activeJobs: [restarted] })], { fetchedAt: 5_000 }));
    expect(state.queue('faceDetection')?.activeJobs[0]?.ageSeconds).toBe(1);
  });

  it("shows a job's asset details once Immich answered for them, in a later snapshot", () => {
    const { state } = withBackground({});
    state.applySnapshot(snapshot([queueSummary('faceDetection', { activeJobs: [hung] })]));
    const before = state.queue('faceDetection');
    state.applySnapshot(
      snapshot([queueSummary('faceDetection', { activeJobs: [{ ...hung, asset: assetDetails() }] })]),
    );
    expect(state.queue('faceDetection')).not.toBe(before);
    expect(state.queue('faceDetection')?.activeJobs[0]?.asset?.format).toBe('HEIC');
  });

  it("keeps health as it was when only import mode's counts moved, which the summary bar alone shows", () => {
    const { state } = withBackground({});
    const steps = (waiting: number) => [
      { queue: 'metadataExtraction', state: 'running' as const, waiting, active: 2, heldByImportMode: false },
    ];
    const withImport = (waiting: number) =>
      snapshot([], {
        status: status([], { importMode: { enabled: true, running: 'metadataExtraction', steps: steps(waiting) } }),
      });
    state.applySnapshot(withImport(500));
    const health = state.health;
    state.applySnapshot(withImport(480));
    expect(state.health).toBe(health);
    expect(state.importMode?.steps?.[0]?.waiting).toBe(480);
    const importMode = state.importMode;
    state.applySnapshot(withImport(480));
    expect(state.importMode).toBe(importMode);
  });

  it('clears a job with the activation it saw, says a hung slot stays taken, and refreshes', async () => {
    const fresh = snapshot([queueSummary('faceDetection')]);
    const { state, calls } = withBackground({
      clearJob: () => ({ ok: true, data: { cleared: true, jobId: '42', mode: 'fail', slotStillHeld: true } }),
      refresh: () => fresh,
    });
    await state.clearJob('faceDetection', hung, 'fail');
    expect(calls[0]).toEqual({
      type: 'clearJob',
      data: {
        instanceId: 'home',
        queue: 'faceDetection',
        jobId: '42',
        mode: 'fail',
        startedAt: 1_700_000_000_000,
        force: false,
      },
    });
    expect(calls[1]?.type).toBe('refresh');
    expect(state.notice).toEqual({
      kind: 'success',
      text: 'Job 42 cleared. Its worker slot stays taken until Immich restarts.',
    });
    expect(state.queue('faceDetection')).toEqual(fresh.queues[0]);
    expect(state.busy.size).toBe(0);
  });

  it('explains a refused clear in words', async () => {
    const { state } = withBackground({
      clearJob: () => ({
        ok: false,
        error: { kind: 'http', status: 409, code: 'JOB_CHANGED', message: 'job changed' },
      }),
      refresh: () => snapshot([]),
    });
    await state.clearJob('faceDetection', hung, 'fail');
    expect(state.notice?.kind).toBe('danger');
    expect(state.notice?.text).toMatch(/moved on before the clear/);
  });

  it('reports a dead background as a notice, not a thrown error', async () => {
    const { state } = withBackground({});
    await expect(state.clearAllStuck('fail')).resolves.toBeUndefined();
    expect(state.notice?.text).toMatch(/background did not answer/);
    await state.loadDetail('ocr');
    expect(state.details.get('ocr')?.error?.kind).toBe('unreachable');
  });

  it('tells the connection state apart', () => {
    const { state } = withBackground({});
    expect(state.connection.kind).toBe('connecting');
    state.applySnapshot(snapshot([], { error: { kind: 'unauthorized', message: '401' } }));
    expect(state.connection).toEqual({ kind: 'error', text: 'The bridge refused the token. Check it in the options.' });
    state.applySnapshot(snapshot([], { status: status([], { stale: true }) }));
    expect(state.connection.kind).toBe('stale');
    state.applySnapshot(snapshot([], { status: status([], { connected: false }) }));
    expect(state.connection.kind).toBe('error');
    state.applySnapshot(snapshot([]));
    expect(state.connection).toEqual({ kind: 'ok', text: 'Bridge connected · Immich v3.1.0' });
    state.setInstance(null);
    expect(state.connection.kind).toBe('no_instance');
  });
});

import { describe, expect, it } from 'vitest';
import { assetDetailsText } from '../../lib/job-text.ts';
import { fakeSend } from '../../test/insights.factory.ts';
import { InspectState, splitCommandLine } from './inspect-state.svelte.ts';

describe('inspect state', () => {
  it('splits a console line into words, double quotes keeping spaces', () => {
    expect(splitCommandLine('  HGET  immich_bull:q:1   data ')).toEqual(['HGET', 'immich_bull:q:1', 'data']);
    expect(splitCommandLine('GET "a b" c')).toEqual(['GET', 'a b', 'c']);
    expect(splitCommandLine('   ')).toEqual([]);
  });

  it('loads the queue and job a job row linked to, and shows a refused command as an error', async () => {
    const { send, calls } = fakeSend({
      inspectQueue: () => ({ ok: true, data: { queue: 'ocr', keys: [], events: [], workers: [] } }),
      inspectJob: () => ({ ok: true, data: { jobId: '7', hash: { name: 'Ocr' }, redacted: [] } }),
      inspectCommand: () => ({
        ok: false,
        error: { kind: 'http', status: 403, code: 'FORBIDDEN', message: 'DEL is not one of the read commands' },
      }),
    } as never);
    const state = new InspectState(send, () => 'home', { queue: 'ocr', jobId: '7' });
    await state.load();
    expect(calls.map(([type, data]) => [type, data.queue])).toEqual([
      ['inspectQueue', 'ocr'],
      ['inspectJob', 'ocr'],
    ]);
    expect(state.job.data?.hash.name).toBe('Ocr');
    await state.run('DEL immich_bull:ocr:meta');
    expect(calls.at(-1)).toEqual([
      'inspectCommand',
      { instanceId: 'home', command: 'DEL', args: ['immich_bull:ocr:meta'] },
    ]);
    expect(state.output.error?.message).toMatch(/not one of the read commands/);
  });

  it('words the asset details a job row shows, the parts Immich gave', () => {
    const asset = {
      fileSize: 3_650_000,
      mimeType: 'image/jpeg',
      format: 'JPG',
      width: 4032,
      height: 3024,
      takenAt: '2023-04-02T10:00:00.000Z',
      ownerName: 'Admin',
    };
    expect(assetDetailsText(asset)).toBe('JPG · 4032×3024 · 3.5 MB · taken 2023-04-02 · Admin');
    expect(assetDetailsText({ ...asset, width: null, fileSize: 512, takenAt: null, ownerName: null })).toBe(
      'JPG · 512 B',
    );
    expect(assetDetailsText(undefined)).toBeNull();
  });
});

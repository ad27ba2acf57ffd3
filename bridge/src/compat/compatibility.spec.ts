import { describe, expect, it } from 'vitest';
import { assessCompatibility, parseVersion } from './compatibility.ts';

const assess = (immichVersion: string | null, bullmqVersion: string | null, allowUntested = false) =>
  assessCompatibility({ immichVersion, bullmqVersion, allowUntested });

describe('assessCompatibility', () => {
  it('reads the forms the versions come in', () => {
    expect(parseVersion('v3.1.0')).toEqual([3, 1, 0]);
    expect(parseVersion('bullmq:5.80.5')).toEqual([5, 80, 5]);
    expect(parseVersion('unknown')).toBeNull();
  });

  it('accepts every tested pair, and any patch of the newest tested minor', () => {
    for (const [immich, bullmq] of [
      ['v2.4.0', '5.66.0'],
      ['v3.1.0', '5.80.5'],
      ['v3.2.4', '5.80.9'],
    ]) {
      expect(assess(immich!, bullmq!)).toEqual({
        immich: { version: immich, tested: true },
        bullmq: { version: bullmq, tested: true },
        actionsAllowed: true,
        reason: null,
      });
    }
  });

  it('warns outside the tested range but still acts on the tested BullMQ major', () => {
    const older = assess('v2.3.1', '5.58.5');
    expect(older).toMatchObject({ immich: { tested: false }, bullmq: { tested: false }, actionsAllowed: true });
    expect(older.reason).toMatch(/Immich v2\.3\.1 is outside the tested range \(2\.4\.0 to 3\.2\.x\)/);
    expect(older.reason).toMatch(/BullMQ 5\.58\.5 .* \(5\.66\.0 to 5\.80\.x\)/);
    expect(assess('v3.3.0', '5.81.0')).toMatchObject({ immich: { tested: false }, actionsAllowed: true });
  });

  it('refuses actions on an untested BullMQ major until ALLOW_UNTESTED', () => {
    const next = assess('v3.4.0', 'bullmq:6.0.1');
    expect(next).toMatchObject({ bullmq: { tested: false }, actionsAllowed: false });
    expect(next.reason).toMatch(/until ALLOW_UNTESTED=true/);
    expect(assess('v3.4.0', 'bullmq:6.0.1', true)).toMatchObject({ actionsAllowed: true });
  });

  it('does not call unknown versions untested, nor block on them', () => {
    expect(assess(null, null)).toEqual({
      immich: { version: null, tested: false },
      bullmq: { version: null, tested: false },
      actionsAllowed: true,
      reason: null,
    });
  });
});

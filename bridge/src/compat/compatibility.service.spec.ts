import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { CompatibilityService } from './compatibility.service.ts';

function service(allowUntested = false) {
  const seen = { immich: null as string | null, bullmq: null as string | null };
  const lines: { level: number; msg: string; immich: string | null; bullmq: string | null }[] = [];
  const logger = createLogger('info', 'json', { write: (line: string) => void lines.push(JSON.parse(line)) });
  const compat = new CompatibilityService(
    { immichVersion: () => seen.immich, bullmqVersion: () => seen.bullmq },
    allowUntested,
    logger,
  );
  return { seen, lines, compat, logger };
}

describe('CompatibilityService', () => {
  it('warns once per verdict, and again when the versions it sees change', () => {
    const { seen, lines, compat } = service();
    Object.assign(seen, { immich: 'v3.1.0', bullmq: '5.80.5' });
    compat.current();
    expect(lines).toEqual([]);

    Object.assign(seen, { immich: 'v3.3.0', bullmq: '5.80.5' });
    for (let i = 0; i < 3; i++) expect(compat.current().immich).toEqual({ version: 'v3.3.0', tested: false });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, immich: 'v3.3.0', bullmq: '5.80.5' });
    expect(lines[0]!.msg).toMatch(/Immich v3\.3\.0 is outside the tested range/);

    Object.assign(seen, { bullmq: '6.0.0' });
    compat.current();
    expect(lines).toHaveLength(2);
    expect(lines[1]!.msg).toMatch(/ALLOW_UNTESTED=true/);
  });

  it('refuses writes with 409 UNTESTED_VERSION on an untested BullMQ major, unless allowed', () => {
    const refusing = service();
    Object.assign(refusing.seen, { immich: 'v3.1.0', bullmq: '6.0.0' });
    let thrown: unknown;
    try {
      refusing.compat.assertActionsAllowed();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'UNTESTED_VERSION', status: 409, message: expect.stringMatching(/6\.0\.0/) });

    const allowed = service(true);
    Object.assign(allowed.seen, { immich: 'v3.1.0', bullmq: '6.0.0' });
    expect(() => allowed.compat.assertActionsAllowed()).not.toThrow();
    // Still told: the warning stays, only the refusal is lifted.
    expect(allowed.lines).toHaveLength(1);

    const tested = service();
    Object.assign(tested.seen, { immich: 'v2.4.0', bullmq: '5.66.0' });
    expect(() => tested.compat.assertActionsAllowed()).not.toThrow();
  });

  it('gates a loop that writes by itself, telling its log once per change, not per call', () => {
    const { seen, lines, compat, logger } = service();
    const mayWrite = compat.writeGate('auto-heal clears', logger);
    Object.assign(seen, { immich: 'v3.1.0', bullmq: '5.80.5' });
    expect(mayWrite()).toBe(true);
    Object.assign(seen, { bullmq: '6.0.0' });
    expect([mayWrite(), mayWrite(), mayWrite()]).toEqual([false, false, false]);
    Object.assign(seen, { bullmq: '5.80.5' });
    expect([mayWrite(), mayWrite()]).toEqual([true, true]);
    const gateLines = lines.filter((line) => line.msg.startsWith('auto-heal clears'));
    expect(gateLines.map((line) => line.level)).toEqual([40, 30]);
    expect(gateLines[0]!.msg).toMatch(/^auto-heal clears skipped: .*ALLOW_UNTESTED=true/);
    expect(gateLines[1]!.msg).toMatch(/^auto-heal clears resumed/);
  });
});

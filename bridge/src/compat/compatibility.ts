import type { Compatibility } from '@immich-admin-tools/shared';

/**
 * The Immich versions this bridge is tested against, with the BullMQ each one pins in its lockfile
 * (reference/immich.md §1.1). v3.2 changed no queue code; its BullMQ is taken to be v3.1's.
 */
export const TESTED_VERSIONS: readonly { immich: string; bullmq: string }[] = [
  { immich: '2.4', bullmq: '5.66.0' },
  { immich: '2.5', bullmq: '5.66.5' },
  { immich: '2.6', bullmq: '5.70.4' },
  { immich: '2.7', bullmq: '5.71.0' },
  { immich: '3.0', bullmq: '5.78.1' },
  { immich: '3.1', bullmq: '5.80.5' },
  { immich: '3.2', bullmq: '5.80.5' },
];

type Version = [number, number, number];

/** "v3.1.0", "bullmq:5.80.5", "5.80" → [major, minor, patch]; null when it is not a version. */
export function parseVersion(text: string | null): Version | null {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : null;
}

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
const versions = (key: 'immich' | 'bullmq') => TESTED_VERSIONS.map((row) => parseVersion(row[key])!).sort(compare);

/** Inside the tested range: from the oldest tested release to the newest tested minor (any patch of it). */
function inRange(version: Version, key: 'immich' | 'bullmq'): boolean {
  const tested = versions(key);
  const [oldest, newest] = [tested[0]!, tested.at(-1)!];
  return (
    compare(version, oldest) >= 0 && (version[0] < newest[0] || (version[0] === newest[0] && version[1] <= newest[1]))
  );
}

const range = (key: 'immich' | 'bullmq') => {
  const tested = versions(key);
  return `${tested[0]!.join('.')} to ${tested.at(-1)!.slice(0, 2).join('.')}.x`;
};

/**
 * What the bridge makes of the versions it sees. An unknown version (Immich not configured, no queue yet) is not
 * called untested. Only a BullMQ major it was never tested with stops destructive actions: its keys and Lua
 * semantics may differ, and a wrong write could lose Immich's jobs. ALLOW_UNTESTED lifts that.
 */
export function assessCompatibility(seen: {
  immichVersion: string | null;
  bullmqVersion: string | null;
  allowUntested: boolean;
}): Compatibility {
  const immich = parseVersion(seen.immichVersion);
  const bullmq = parseVersion(seen.bullmqVersion);
  const immichTested = immich === null || inRange(immich, 'immich');
  const bullmqTested = bullmq === null || inRange(bullmq, 'bullmq');
  const untestedMajor = bullmq !== null && !versions('bullmq').some((v) => v[0] === bullmq[0]);
  const reasons: string[] = [];
  if (!immichTested) reasons.push(`Immich ${seen.immichVersion} is outside the tested range (${range('immich')})`);
  if (!bullmqTested)
    reasons.push(`BullMQ ${bullmq!.join('.')} in Redis is outside the tested range (${range('bullmq')})`);
  if (untestedMajor && !seen.allowUntested) {
    reasons.push(`clearing jobs is refused on an untested BullMQ major until ALLOW_UNTESTED=true`);
  }
  return {
    immich: { version: seen.immichVersion, tested: immich !== null && immichTested },
    bullmq: { version: seen.bullmqVersion, tested: bullmq !== null && bullmqTested },
    actionsAllowed: !untestedMajor || seen.allowUntested,
    reason: reasons.length ? `${reasons.join('; ')}.` : null,
  };
}

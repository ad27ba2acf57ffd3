import { QUEUES, queueInfo } from '@immich-admin-tools/shared';

/**
 * What each Immich release the tools are tested with looks like from outside: its queues, its API, the BullMQ
 * its queues write into Redis, its worker's name and its Jobs page. Facts from /work/shared/reference/immich.md
 * (§1.1 lockfile pins, §1.3 "added" column, §2.1 Queues API, §3.3 card titles, §6 server version). Every one of
 * them names jobs in PascalCase (since v1.136) and queues them with attempts 1 (since v2.4), as the sim does.
 */
export interface ImmichProfile {
  /** "3.1": the release line, as the compatibility table names it. */
  release: string;
  /** What `GET /api/server/version` answers (`prerelease` comes with it from v3.0 on). */
  version: { major: number; minor: number; patch: number };
  /** Its `QueueName` values: it opens a BullMQ queue, so a `meta` hash, for each at boot. */
  queues: readonly string[];
  /** `/api/queues` (added in v2.4.0); the legacy `/api/jobs` is served by every release here too. */
  queuesApi: boolean;
  /** The bullmq its lockfile resolves: what its queues write to `meta.version`. */
  bullmq: string;
  /** Its microservices worker's BullMQ `name` (v3.0, PR #28869); null: unnamed, as before. */
  workerName: string | null;
  /** Card titles through `transformToTitleCase` (v2.5 on); before, the raw string, upper-cased by CSS only. */
  titleCase: boolean;
}

/** Queues added after the oldest tested release (v2.4 already has ocr, v2.2, and workflow, v2.3). */
const ADDED_IN: Readonly<Record<string, [number, number]>> = { editor: [2, 5], integrityCheck: [3, 0] };

const queuesOf = (major: number, minor: number) =>
  QUEUES.map((queue) => queue.name).filter((name) => {
    const added = ADDED_IN[name];
    return !added || major > added[0] || (major === added[0] && minor >= added[1]);
  });

function profile(release: string, patch: number, bullmq: string): ImmichProfile {
  const [major, minor] = release.split('.').map(Number) as [number, number];
  return {
    release,
    version: { major, minor, patch },
    queues: queuesOf(major, minor),
    queuesApi: true,
    bullmq,
    workerName: major >= 3 ? 'microservices' : null,
    titleCase: major > 2 || minor >= 5,
  };
}

/**
 * The tested releases, oldest first. v2.7's pin is read at v2.7.5. v3.2 changed no queue code (its SDK's queue
 * and job types equal 3.1's) and its lockfile was not read: its BullMQ is taken to be 3.1's.
 */
export const IMMICH_PROFILES: readonly ImmichProfile[] = [
  profile('2.4', 0, '5.66.0'),
  profile('2.5', 0, '5.66.5'),
  profile('2.6', 0, '5.70.4'),
  profile('2.7', 5, '5.71.0'),
  profile('3.0', 0, '5.78.1'),
  profile('3.1', 0, '5.80.5'),
  profile('3.2', 0, '5.80.5'),
];

/** The release the simulator imitates unless told otherwise. */
export const DEFAULT_RELEASE = '3.1';

export function immichProfile(release: string = DEFAULT_RELEASE): ImmichProfile {
  const found = IMMICH_PROFILES.find((p) => p.release === release);
  if (!found) {
    const known = IMMICH_PROFILES.map((p) => p.release).join(', ');
    throw new Error(`no simulator profile for Immich ${release} (known: ${known})`);
  }
  return found;
}

/**
 * English strings of Immich's i18n/en.json its web app titles queues with (`asQueueItem`), where they differ
 * from the catalogue's titles.
 */
const RAW_TITLES: Readonly<Record<string, string>> = {
  faceDetection: 'Face detection',
  ocr: 'OCR',
  backupDatabase: 'Create Database Dump',
  workflow: 'Workflows',
  integrityCheck: 'Integrity Checks',
};

/** Immich's web `transformToTitleCase`: every space-separated word lower-cased, then its first letter raised. */
const toTitleCase = (text: string) =>
  text
    .toLowerCase()
    .split(' ')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');

/** The title this release's Jobs page gives a queue: "Ocr" from v2.5 on, "OCR" (shown upper-case) before. */
export function pageTitle(immich: ImmichProfile, queue: string): string {
  const raw = RAW_TITLES[queue] ?? queueInfo(queue).title;
  return immich.titleCase ? toTitleCase(raw) : raw;
}

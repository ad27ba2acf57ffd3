/** The queue catalogue: Immich's queues (v2.4 to v3.2) with their English card titles, page slugs and defaults. */
export interface QueueInfo {
  name: string;
  title: string;
  slug: string;
  concurrency: number;
  /** Seconds an active job may run before it counts as stuck. */
  thresholdSeconds: number;
  /** Whether Immich's /admin/queues page shows a card for it. */
  hasCard: boolean;
  /** Immich refuses to pause it through PUT /api/queues/{name}. */
  pausable: boolean;
}

const q = (
  name: string,
  title: string,
  concurrency: number,
  thresholdSeconds: number,
  hasCard: boolean,
  pausable = true,
): QueueInfo => ({ name, title, slug: queueSlug(name), concurrency, thresholdSeconds, hasCard, pausable });

/** camelCase queue name to Immich's page slug, as `asQueueSlug` in Immich's web/src/lib/route.ts. */
export function queueSlug(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export const QUEUES: readonly QueueInfo[] = [
  q('thumbnailGeneration', 'Generate Thumbnails', 3, 120, true),
  q('metadataExtraction', 'Extract Metadata', 5, 180, true),
  q('videoConversion', 'Transcode Videos', 1, 1800, true),
  q('faceDetection', 'Face Detection', 2, 300, true),
  q('facialRecognition', 'Facial Recognition', 1, 300, true),
  q('smartSearch', 'Smart Search', 2, 300, true),
  q('duplicateDetection', 'Duplicate Detection', 1, 600, true),
  q('ocr', 'OCR', 1, 300, true),
  q('sidecar', 'Sidecar Metadata', 5, 180, true),
  q('library', 'External Libraries', 5, 1800, true),
  q('storageTemplateMigration', 'Storage Template Migration', 1, 600, true),
  q('migration', 'Migration', 5, 600, true),
  q('backgroundTask', 'Background Tasks', 5, 600, false, false),
  q('notifications', 'Notifications', 5, 300, false),
  q('backupDatabase', 'Database Backup', 1, 3600, false),
  q('search', 'Search', 5, 300, false),
  q('workflow', 'Workflow', 5, 300, false),
  q('integrityCheck', 'Integrity Check', 1, 3600, false),
  q('editor', 'Editor', 2, 300, false),
];

const byName = new Map(QUEUES.map((info) => [info.name, info]));
const bySlug = new Map(QUEUES.map((info) => [info.slug, info]));

/** Threshold for queues the catalogue does not know (a newer Immich). */
export const DEFAULT_THRESHOLD_SECONDS = 600;

/** Catalogue entry for a queue, or a generic one for a queue this version does not know. */
export function queueInfo(name: string): QueueInfo {
  return (
    byName.get(name) ?? {
      name,
      title: name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()),
      slug: queueSlug(name),
      concurrency: 1,
      thresholdSeconds: DEFAULT_THRESHOLD_SECONDS,
      hasCard: false,
      pausable: true,
    }
  );
}

export function queueBySlug(slug: string): QueueInfo | undefined {
  return bySlug.get(slug);
}

/** Job names whose data can hold secrets (mail bodies, temporary passwords): never show or log their data. */
export const SENSITIVE_JOB_NAMES: ReadonlySet<string> = new Set(['SendMail', 'NotifyUserSignup']);

/** Job names whose `data.id` is a person id. */
export const PERSON_JOB_NAMES: ReadonlySet<string> = new Set(['PersonGenerateThumbnail', 'PersonFileMigration']);

/** Job names whose `data.id` is an asset id (besides every name starting with `Asset`). */
const ASSET_JOB_NAMES: ReadonlySet<string> = new Set([
  'SmartSearch',
  'Ocr',
  'SidecarCheck',
  'SidecarWrite',
  'StorageTemplateMigrationSingle',
  'AssetFileMigration',
]);

/** True when `data.id` of a job with this name is an asset id. Queue-all jobs carry no id. */
export function isAssetJob(jobName: string): boolean {
  if (jobName.endsWith('QueueAll')) return false;
  return jobName.startsWith('Asset') || ASSET_JOB_NAMES.has(jobName);
}

/** Jobs waiting as users see them: Immich's own card adds paused and delayed; prioritized jobs wait too. */
export function waitingCount(counts: {
  waiting: number;
  paused: number;
  delayed: number;
  prioritized: number;
}): number {
  return counts.waiting + counts.paused + counts.delayed + counts.prioritized;
}

/**
 * Typed messages between the background (the only place that talks to bridges) and the popup,
 * options, history page and content script. Every bridge call answers a BridgeResult, never throws.
 */
import { defineExtensionMessaging } from '@webext-core/messaging';
import type {
  AutoHealRunResponse,
  ClearAllStuckResponse,
  ClearJobResponse,
  ClearMode,
  ClearStuckResponse,
  FailedActionResponse,
  HistoryEventName,
  HistoryResponse,
  ImportModeResponse,
  ImportModeUpdate,
  InspectCommandRequest,
  InspectCommandResponse,
  InspectJobResponse,
  InspectQueueResponse,
  ProblemAssetSort,
  ProblemAssetsResponse,
  QuarantineResponse,
  QueueCommandResponse,
  QueueDetail,
  QueueSummary,
  RestartResponse,
  SettingsResponse,
  SettingsUpdate,
  StatsRange,
  StatsResponse,
  StatusResponse,
} from '@immich-admin-tools/shared';
import type { DirectSnapshot } from './immich-direct/direct-view.ts';

/** One Immich server and the bridge beside it. The token lives in storage.local only. */
export interface Instance {
  id: string;
  name: string;
  /** Normalised origin-style URL, no trailing slash: https://photos.example.com */
  immichUrl: string;
  /** '' when the instance has no bridge: the extension then uses Immich's own API (lib/immich-direct). */
  bridgeUrl: string;
  /** '' without a bridge. */
  token: string;
}

/** What a page's content script may know of its instance: everything but the token, which stays in the background. */
export type PageInstance = Omit<Instance, 'token'>;

/** Why a bridge call did not give an answer, told apart so the UI can say what to do. */
export type BridgeErrorKind =
  | 'unreachable' // network error, timeout, no host permission
  | 'unauthorized' // 401: wrong or missing token
  | 'not_a_bridge' // answered, but not with the bridge's API
  | 'redis_down' // bridge up, Redis not (503 REDIS_UNAVAILABLE)
  | 'http' // any other bridge error; `code` holds the bridge's error code
  | 'no_instance' // no configured instance for that id or origin
  | 'browser' // the browser refused: host access not granted, content script not registrable
  | 'immich_auth' // Immich's own API (no bridge): 401/403, no admin signed in on this browser
  | 'immich_unreachable' // Immich's own API does not answer
  | 'immich_error'; // Immich's own API answered with an error, or not like Immich

/** BridgeError code of a bridge that cannot be reached because its host access was never granted (or withdrawn). */
export const NO_HOST_ACCESS = 'NO_HOST_ACCESS';

export interface BridgeError {
  kind: BridgeErrorKind;
  message: string;
  status?: number;
  /** The bridge's error code (ErrorCode in shared/api.ts) when it sent one. */
  code?: string;
  /** Per-field messages of a rejected settings change, keyed `section.field`. */
  fields?: Record<string, string>;
}

export type BridgeResult<T> = { ok: true; data: T } | { ok: false; error: BridgeError };

/** What the background keeps per instance (storage.session) and hands to the UIs. */
export interface InstanceSnapshot {
  instanceId: string;
  status: StatusResponse | null;
  queues: QueueSummary[];
  /** ms epoch of the last successful fetch. */
  fetchedAt: number | null;
  /** Set when the last poll failed; status/queues then hold the last good data. */
  error: BridgeError | null;
  /** Immich's own view, when there is no bridge or it does not answer; absent while the bridge answers. */
  direct?: DirectSnapshot;
}

interface InstanceRef {
  instanceId: string;
}

/** Filters of GET /api/history; `since`/`until` are ISO times, `before` the cursor of the previous page. */
export interface HistoryQuery {
  queue?: string;
  event?: HistoryEventName;
  assetId?: string;
  jobId?: string;
  since?: string;
  until?: string;
  limit?: number;
  before?: number;
}

/** A history export as the bridge wrote it, handed to the page to save. */
export interface ExportedFile {
  text: string;
  mimeType: string;
  fileName: string;
}

/** The last hour per queue in minute buckets, oldest first; null where events were lost (a gap). */
export interface Sparklines {
  /** ISO start of the first minute. */
  from: string;
  queues: Record<string, { completed: (number | null)[]; failed: (number | null)[] }>;
}
interface QueueRef extends InstanceRef {
  queue: string;
}

export interface ProtocolMap {
  getInstances(): Instance[];
  /** The instance whose immichUrl has this origin (for the content script). */
  findInstanceByOrigin(data: { origin: string }): PageInstance | null;
  getSnapshots(): InstanceSnapshot[];
  /** Polls the bridge now and answers the fresh snapshot. */
  refresh(data: InstanceRef): InstanceSnapshot;
  getQueueDetail(data: QueueRef & { failedOffset?: number; failedLimit?: number }): BridgeResult<QueueDetail>;
  clearStuck(data: QueueRef & { mode: ClearMode; jobIds?: string[] }): BridgeResult<ClearStuckResponse>;
  clearJob(
    data: QueueRef & { jobId: string; mode: ClearMode; startedAt?: number | string; force?: boolean },
  ): BridgeResult<ClearJobResponse>;
  clearAllStuck(data: InstanceRef & { mode: ClearMode }): BridgeResult<ClearAllStuckResponse>;
  pauseQueue(data: QueueRef): BridgeResult<QueueCommandResponse>;
  resumeQueue(data: QueueRef): BridgeResult<QueueCommandResponse>;
  retryFailed(data: QueueRef): BridgeResult<FailedActionResponse>;
  clearFailed(data: QueueRef): BridgeResult<FailedActionResponse>;
  /** A data: URL of the asset's thumbnail, fetched through the bridge. */
  getThumbnail(data: InstanceRef & { assetId: string }): BridgeResult<string>;
  /** Calls /api/status with these settings (options page "Test connection"). */
  testConnection(data: { bridgeUrl: string; token: string }): BridgeResult<StatusResponse>;
  /** Registers the jobs-page content script for an instance after its host permission was granted. */
  registerInstance(data: InstanceRef): BridgeResult<true>;
  getHistory(data: InstanceRef & HistoryQuery): BridgeResult<HistoryResponse>;
  /** The filtered history as CSV or NDJSON, from the bridge, unpaged. */
  exportHistory(data: InstanceRef & HistoryQuery & { format: 'csv' | 'ndjson' }): BridgeResult<ExportedFile>;
  getStats(data: InstanceRef & { range: StatsRange; queue?: string }): BridgeResult<StatsResponse>;
  /** One stats request for every card's sparkline. */
  getSparklines(data: InstanceRef): BridgeResult<Sparklines>;
  getSettings(data: InstanceRef): BridgeResult<SettingsResponse>;
  updateSettings(data: InstanceRef & { update: SettingsUpdate }): BridgeResult<SettingsResponse>;
  getProblemAssets(
    data: InstanceRef & { sort?: ProblemAssetSort; limit?: number; before?: string },
  ): BridgeResult<ProblemAssetsResponse>;
  setQuarantine(data: InstanceRef & { assetId: string; quarantined: boolean }): BridgeResult<QuarantineResponse>;
  resetAutoHeal(data: InstanceRef): BridgeResult<Record<string, unknown>>;
  /** One auto-heal pass now. */
  runAutoHeal(data: InstanceRef): BridgeResult<AutoHealRunResponse>;
  /** Clears every stuck job, then restarts immich_server (only offered when status.restart.available). */
  clearAllAndRestart(data: InstanceRef & { mode: ClearMode }): BridgeResult<RestartResponse>;
  testAlert(data: InstanceRef & { notifier?: string }): BridgeResult<Record<string, unknown>>;
  openJobsPage(data: InstanceRef & { slug?: string }): void;
  /** `jobId` opens the Inspect view on that job's raw hash. */
  openHistory(data: InstanceRef & { queue?: string; jobId?: string }): void;
  getImportMode(data: InstanceRef): BridgeResult<ImportModeResponse>;
  setImportMode(data: InstanceRef & { update: ImportModeUpdate }): BridgeResult<ImportModeResponse>;
  inspectQueue(data: QueueRef & { cursor?: string; events?: number }): BridgeResult<InspectQueueResponse>;
  inspectJob(data: QueueRef & { jobId: string }): BridgeResult<InspectJobResponse>;
  inspectCommand(data: InstanceRef & InspectCommandRequest): BridgeResult<InspectCommandResponse>;
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();

/** Port name a popup or jobs page opens to ask for fast (2 s) polling while it is open. */
export const LIVE_PORT = 'iat-live';
/** Port message the background pushes on each fresh snapshot: `{ type: 'snapshot', snapshot }`. */
export interface LiveSnapshotMessage {
  type: 'snapshot';
  snapshot: InstanceSnapshot;
}

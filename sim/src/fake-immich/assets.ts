import { createHash } from 'node:crypto';

/** The simulated asset catalogue: deterministic, so tests, demo and the fake API agree on every id. */
export interface SimAsset {
  id: string;
  ownerId: string;
  type: 'IMAGE' | 'VIDEO';
  originalFileName: string;
  originalPath: string;
  originalMimeType: string;
  /** ISO time the file was taken. */
  fileCreatedAt: string;
  width: number;
  height: number;
  /** Videos only, ms. */
  duration: number | null;
}

/** A v5-shaped uuid derived from a seed (same seed, same id, every run). */
export function simUuid(seed: string): string {
  const hex = createHash('sha1').update(`immich-admin-tools-sim:${seed}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const ADMIN_USER = { id: simUuid('user-admin'), storageLabel: 'admin', name: 'Admin' } as const;
/** Another user: the API key (an admin's) cannot read these assets, as with a real Immich. */
export const OTHER_USER = { id: simUuid('user-jane'), storageLabel: 'jane', name: 'Jane' } as const;

export const ASSET_COUNT = 240;
const IMAGE_TYPES = [
  ['HEIC', 'image/heic'],
  ['JPG', 'image/jpeg'],
  ['DNG', 'image/x-adobe-dng'],
  ['PNG', 'image/png'],
] as const;
const VIDEO_TYPES = [
  ['MOV', 'video/quicktime'],
  ['MP4', 'video/mp4'],
] as const;

function makeAsset(index: number): SimAsset {
  const owner = index % 9 === 4 ? OTHER_USER : ADMIN_USER;
  const isVideo = index % 6 === 5;
  const [ext, mime] = isVideo ? VIDEO_TYPES[index % 2]! : IMAGE_TYPES[index % 4]!;
  const number = String(40 + index).padStart(4, '0');
  const fileName = `${isVideo ? 'VID' : 'IMG'}_${number}.${ext}`;
  // Spread over 2023-2025 by day, so paths look like a storage template's year/date folders.
  const taken = new Date(Date.UTC(2023, 0, 1) + index * 4.3 * 86_400_000 + (index % 24) * 3_600_000);
  const day = taken.toISOString().slice(0, 10);
  return {
    id: simUuid(`asset-${index}`),
    ownerId: owner.id,
    type: isVideo ? 'VIDEO' : 'IMAGE',
    originalFileName: fileName,
    originalPath: `/data/library/${owner.storageLabel}/${day.slice(0, 4)}/${day}/${fileName}`,
    originalMimeType: mime,
    fileCreatedAt: taken.toISOString(),
    width: isVideo ? 1920 : 4032,
    height: isVideo ? 1080 : 3024,
    duration: isVideo ? 3_000 + (index % 50) * 1_000 : null,
  };
}

export const ASSETS: readonly SimAsset[] = Array.from({ length: ASSET_COUNT }, (_, i) => makeAsset(i));
const byId = new Map(ASSETS.map((asset) => [asset.id, asset]));

export function assetById(id: string): SimAsset | undefined {
  return byId.get(id);
}

export const VIDEO_ASSETS: readonly SimAsset[] = ASSETS.filter((asset) => asset.type === 'VIDEO');

/** The `index`-th asset, cycling; `videosOnly` for queues that only see videos (videoConversion). */
export function assetAt(index: number, videosOnly = false): SimAsset {
  const list = videosOnly ? VIDEO_ASSETS : ASSETS;
  return list[((index % list.length) + list.length) % list.length]!;
}

/** People and faces exist only as ids here: Immich's person/face jobs carry nothing else. */
export const personId = (index: number): string => simUuid(`person-${index}`);
export const faceId = (index: number): string => simUuid(`face-${index}`);

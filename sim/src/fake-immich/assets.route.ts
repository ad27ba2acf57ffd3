import type { AssetResponseDto, AssetTypeEnum, AssetVisibility, UserAvatarColor } from '@immich/sdk';
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { ADMIN_USER, assetById, OTHER_USER, type SimAsset } from './assets.ts';
import { requireAuth, type FakeAuth } from './auth.ts';
import { immichError } from './immich-errors.ts';
import { thumbnailPng } from './thumbnail-png.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const THUMB_SIZES: Readonly<Record<string, number>> = { thumbnail: 64, preview: 160, fullsize: 256 };

function assetResponse(asset: SimAsset): AssetResponseDto {
  const owner = asset.ownerId === ADMIN_USER.id ? ADMIN_USER : OTHER_USER;
  return {
    id: asset.id,
    ownerId: asset.ownerId,
    type: asset.type as AssetTypeEnum,
    originalFileName: asset.originalFileName,
    originalPath: asset.originalPath,
    originalMimeType: asset.originalMimeType,
    checksum: createHash('sha1').update(asset.id).digest('base64'),
    createdAt: asset.fileCreatedAt,
    updatedAt: asset.fileCreatedAt,
    fileCreatedAt: asset.fileCreatedAt,
    fileModifiedAt: asset.fileCreatedAt,
    localDateTime: asset.fileCreatedAt,
    duration: asset.duration,
    width: asset.width,
    height: asset.height,
    hasMetadata: true,
    isArchived: false,
    isEdited: false,
    isFavorite: false,
    isOffline: false,
    isTrashed: false,
    thumbhash: null,
    visibility: 'timeline' as AssetVisibility,
    // Only the caller's own assets are readable, so the owner is the caller (as Immich includes it).
    owner: {
      id: owner.id,
      name: owner.name,
      email: `${owner.storageLabel}@example.org`,
      avatarColor: 'primary' as UserAvatarColor,
      profileChangedAt: asset.fileCreatedAt,
      profileImagePath: '',
    },
    exifInfo: {
      // About 0.3 bytes a pixel for photos, 1 MB a second for videos: plausible and deterministic.
      fileSizeInByte: asset.duration === null ? Math.round(asset.width * asset.height * 0.3) : asset.duration * 1000,
      exifImageWidth: asset.width,
      exifImageHeight: asset.height,
      dateTimeOriginal: asset.fileCreatedAt,
    },
  };
}

/**
 * `GET /api/assets/:id` and its thumbnail. As in Immich, a user (the admin too) cannot read other users' assets:
 * those answer 400 like unknown ones. Mounted at `/api/assets`.
 */
export function assetsRoutes(auth: FakeAuth) {
  const readable = (id: string, userId: string) => {
    const asset = assetById(id);
    return asset && asset.ownerId === userId ? asset : undefined;
  };
  return new Hono()
    .use('*', requireAuth(auth, { admin: false }))
    .get('/:id', (c) => {
      const id = c.req.param('id');
      if (!UUID.test(id)) return immichError(c, 400, ['id: Invalid UUID']);
      const asset = readable(id, c.get('userId'));
      if (!asset) return immichError(c, 400, 'Not found or no asset.read access');
      return c.json(assetResponse(asset));
    })
    .get('/:id/thumbnail', (c) => {
      const id = c.req.param('id');
      if (!UUID.test(id)) return immichError(c, 400, ['id: Invalid UUID']);
      const asset = readable(id, c.get('userId'));
      if (!asset) return immichError(c, 400, 'Not found or no asset.view access');
      const size = THUMB_SIZES[c.req.query('size') ?? 'thumbnail'];
      if (!size) return immichError(c, 400, ['size: Invalid option']);
      const png = thumbnailPng(asset.id, size, asset.type === 'VIDEO');
      return c.body(new Uint8Array(png), 200, {
        'content-type': 'image/png',
        'cache-control': 'private, max-age=86400, no-transform',
      });
    });
}

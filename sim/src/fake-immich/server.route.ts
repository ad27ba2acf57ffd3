import type { ServerAboutResponseDto, ServerPingResponse, ServerVersionResponseDto } from '@immich/sdk';
import { Hono } from 'hono';
import { requireApiKey } from './auth.ts';

export interface ImmichVersion {
  major: number;
  minor: number;
  patch: number;
}

/** `/api/server/*` (mounted there): ping and version need no key, about does (`server.about`). */
export function serverRoutes(version: ImmichVersion, apiKey: string) {
  const tag = `v${version.major}.${version.minor}.${version.patch}`;
  return new Hono()
    .get('/ping', (c) => c.json({ res: 'pong' } satisfies ServerPingResponse))
    .get('/version', (c) => c.json({ ...version, prerelease: null } satisfies ServerVersionResponseDto))
    .get('/about', requireApiKey(apiKey), (c) =>
      c.json({
        version: tag,
        versionUrl: `https://github.com/immich-app/immich/releases/tag/${tag}`,
        licensed: false,
        nodejs: process.version,
        repository: 'immich-app/immich',
        repositoryUrl: 'https://github.com/immich-app/immich',
        sourceRef: tag,
        build: 'immich-admin-tools-simulator',
      } satisfies ServerAboutResponseDto),
    );
}

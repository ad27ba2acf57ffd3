import type { ServerAboutResponseDto, ServerPingResponse, ServerVersionResponseDto } from '@immich/sdk';
import { Hono } from 'hono';
import { requireAuth, type FakeAuth } from './auth.ts';

export interface ImmichVersion {
  major: number;
  minor: number;
  patch: number;
}

/** `/api/server/*` (mounted there): ping and version need no sign-in, about does (`server.about`). */
export function serverRoutes(version: ImmichVersion, auth: FakeAuth) {
  const tag = `v${version.major}.${version.minor}.${version.patch}`;
  return (
    new Hono()
      .get('/ping', (c) => c.json({ res: 'pong' } satisfies ServerPingResponse))
      // `prerelease` came with v3.0.0; older servers answer without it.
      .get('/version', (c) =>
        c.json(version.major >= 3 ? ({ ...version, prerelease: null } satisfies ServerVersionResponseDto) : version),
      )
      .get('/about', requireAuth(auth, { admin: false }), (c) =>
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
      )
  );
}

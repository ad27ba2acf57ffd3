/**
 * The imitation of Immich's Jobs pages, served by the fake Immich: one HTML shell for every client
 * route (like SvelteKit's static fallback), a small vanilla client that polls `GET /api/queues` every
 * 3 s and renders Immich's card structure, and its stylesheet.
 *
 * Query switches: `?layout=legacy` renders the pre-2.4 tiles (no links) on any route, as
 * `/admin/jobs-status` always does; `?cards=all` gives every queue a card (19, for the bench).
 */
import { readFileSync } from 'node:fs';
import { QUEUES, queueInfo } from '@immich-admin-tools/shared';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../fake-immich/auth.ts';
import { pageTitle, type ImmichProfile } from '../versions.ts';
import { pageShell, type JobsPageConfig } from './jobs-page.html.ts';

const asset = (file: string) => readFileSync(new URL(`./client/${file}`, import.meta.url), 'utf8');

const ASSET_BASE = '/_sim/';
export const JOBS_PAGE_SCRIPT = `${ASSET_BASE}jobs-page.client.js`;
export const JOBS_PAGE_STYLES = `${ASSET_BASE}jobs-page.css`;
const CLIENT_FILES = {
  'jobs-page.client.js': 'text/javascript',
  'jobs-page.views.js': 'text/javascript',
  'jobs-page.css': 'text/css',
};

/** Immich's card order on /admin/queues (QueuePanel.svelte); the others have detail pages only. */
const CARD_ORDER = [
  'thumbnailGeneration',
  'metadataExtraction',
  'library',
  'sidecar',
  'smartSearch',
  'duplicateDetection',
  'faceDetection',
  'facialRecognition',
  'ocr',
  'videoConversion',
  'storageTemplateMigration',
  'migration',
];

export interface JobsPageOptions {
  /** The admin's session token: the page signs the browser in with it, and its API calls carry the cookie. */
  sessionToken: string;
  /** The release whose page this is: its queues and its card titles. Without one, the catalogue's. */
  immich?: ImmichProfile | null;
}

function configFor(url: URL, immich: ImmichProfile | null): JobsPageConfig {
  const names = immich ? immich.queues : QUEUES.map((queue) => queue.name);
  const all = url.searchParams.get('cards') === 'all';
  const cardNames = all
    ? [...CARD_ORDER, ...names.filter((name) => !CARD_ORDER.includes(name))]
    : CARD_ORDER.filter((name) => names.includes(name));
  return {
    layout: url.searchParams.get('layout') === 'legacy' || url.pathname === '/admin/jobs-status' ? 'legacy' : 'queues',
    queues: names.map((name) => {
      const { title, slug } = queueInfo(name);
      return { name, title: immich ? pageTitle(immich, name) : title, slug };
    }),
    cards: cardNames,
    uppercaseTitles: immich !== null && !immich.titleCase,
    pollMs: Number(url.searchParams.get('pollMs')) || 3000,
  };
}

/**
 * The admin is signed in on this browser, as after Immich's login: its cookies (`immich_access_token` httpOnly,
 * SameSite=Lax, and the script-readable `immich_is_authenticated`), set on the page when missing.
 */
function signIn(c: Context, sessionToken: string): void {
  if (getCookie(c, SESSION_COOKIE) === sessionToken) return;
  setCookie(c, SESSION_COOKIE, sessionToken, { path: '/', httpOnly: true, sameSite: 'Lax' });
  setCookie(c, 'immich_auth_type', 'password', { path: '/', httpOnly: true, sameSite: 'Lax' });
  setCookie(c, 'immich_is_authenticated', 'true', { path: '/', sameSite: 'Lax' });
}

export function jobsPageRoutes(options: JobsPageOptions): Hono {
  // Read at start so a missing file fails loudly, not on the first page view.
  const files = new Map(Object.entries(CLIENT_FILES).map(([file, type]) => [file, { body: asset(file), type }]));
  const shell = (c: Context) => {
    signIn(c, options.sessionToken);
    return c.html(
      pageShell(configFor(new URL(c.req.url), options.immich ?? null), {
        script: JOBS_PAGE_SCRIPT,
        styles: JOBS_PAGE_STYLES,
      }),
    );
  };

  return new Hono()
    .get(`${ASSET_BASE}:file`, (c) => {
      const file = files.get(c.req.param('file'));
      return file ? c.body(file.body, 200, { 'content-type': `${file.type}; charset=utf-8` }) : c.notFound();
    })
    .get('/', (c) => c.redirect('/admin/queues'))
    .get('/admin/queues', shell)
    .get('/admin/queues/:slug', shell)
    .get('/admin/jobs-status', shell)
    .get('/photos/:id', shell);
}

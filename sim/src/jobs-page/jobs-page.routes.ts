/**
 * The imitation of Immich's Jobs pages, served by the fake Immich: one HTML shell for every client
 * route (like SvelteKit's static fallback), a small vanilla client that polls `GET /api/queues` every
 * 3 s and renders Immich's card structure, and its stylesheet.
 *
 * Query switches: `?layout=legacy` renders the pre-2.4 tiles (no links) on any route, as
 * `/admin/jobs-status` always does; `?cards=all` gives every queue a card (19, for the bench).
 */
import { readFileSync } from 'node:fs';
import { QUEUES } from '@immich-admin-tools/shared';
import { Hono } from 'hono';
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
  /** Stands in for the admin's session cookie: the page sends it as `x-api-key` to the fake API. */
  apiKey: string;
}

function configFor(url: URL, options: JobsPageOptions): JobsPageConfig {
  const all = url.searchParams.get('cards') === 'all';
  const cardNames = all
    ? [...CARD_ORDER, ...QUEUES.map((queue) => queue.name).filter((name) => !CARD_ORDER.includes(name))]
    : CARD_ORDER;
  return {
    layout: url.searchParams.get('layout') === 'legacy' || url.pathname === '/admin/jobs-status' ? 'legacy' : 'queues',
    queues: QUEUES.map(({ name, title, slug }) => ({ name, title, slug })),
    cards: cardNames,
    pollMs: Number(url.searchParams.get('pollMs')) || 3000,
    apiKey: options.apiKey,
  };
}

export function jobsPageRoutes(options: JobsPageOptions): Hono {
  // Read at start so a missing file fails loudly, not on the first page view.
  const files = new Map(Object.entries(CLIENT_FILES).map(([file, type]) => [file, { body: asset(file), type }]));
  const shell = (url: string) =>
    pageShell(configFor(new URL(url), options), { script: JOBS_PAGE_SCRIPT, styles: JOBS_PAGE_STYLES });

  return new Hono()
    .get(`${ASSET_BASE}:file`, (c) => {
      const file = files.get(c.req.param('file'));
      return file ? c.body(file.body, 200, { 'content-type': `${file.type}; charset=utf-8` }) : c.notFound();
    })
    .get('/', (c) => c.redirect('/admin/queues'))
    .get('/admin/queues', (c) => c.html(shell(c.req.url)))
    .get('/admin/queues/:slug', (c) => c.html(shell(c.req.url)))
    .get('/admin/jobs-status', (c) => c.html(shell(c.req.url)))
    .get('/photos/:id', (c) => c.html(shell(c.req.url)));
}

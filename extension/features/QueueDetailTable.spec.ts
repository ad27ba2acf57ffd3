import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import PageHarness from '../components/PageHarness.test.svelte';
import { assetDetailsText } from '../lib/job-text.ts';
import { JobsPageState, type Send } from '../lib/state/jobs-page.svelte.ts';
import {
  activeJob,
  assetDetails,
  failedJob,
  instance,
  queueDetail,
  queueSummary,
  snapshot,
  status,
} from '../test/snapshot.factory.ts';
import QueueDetailTable from './QueueDetailTable.svelte';

const QUEUE = 'thumbnailGeneration';
const PERSON_ID = '3b0c7d1e-aaaa-4bbb-8ccc-1234567890ab';
const FACE_ID = '9e8d7c6b-ffff-4eee-8ddd-ba0987654321';
const photo = assetDetails();
const video = assetDetails({
  fileSize: 48_000_000,
  mimeType: 'video/quicktime',
  format: 'MOV',
  width: 1920,
  height: 1080,
  takenAt: '2023-07-14T08:00:00.000Z',
  ownerName: null,
});

const summary = queueSummary(QUEUE, {
  activeJobs: [
    activeJob({ jobId: '1', name: 'AssetGenerateThumbnails', asset: photo }),
    // Another user's asset: Immich refused the admin key, so there is nothing but the id.
    activeJob({ jobId: '2', name: 'AssetGenerateThumbnails', assetFileName: null, assetPath: null }),
    activeJob({
      jobId: '3',
      name: 'PersonGenerateThumbnail',
      assetId: null,
      assetFileName: null,
      assetPath: null,
      personId: PERSON_ID,
    }),
    activeJob({
      jobId: '4',
      name: 'FacialRecognition',
      assetId: null,
      assetFileName: null,
      assetPath: null,
      otherId: FACE_ID,
    }),
  ],
});
const detail = queueDetail(summary, [
  failedJob({ jobId: '11', name: 'AssetGenerateThumbnails', asset: video, assetFileName: 'VID_0045.MOV' }),
  failedJob({
    jobId: '12',
    name: 'PersonGenerateThumbnail',
    assetId: null,
    assetFileName: null,
    assetPath: null,
    personId: PERSON_ID,
  }),
]);

/** The table over a JobsPageState whose background answers the detail request; `sent` records every message. */
async function renderTable(access: 'full' | 'read' = 'full') {
  const sent: { type: string; data: unknown }[] = [];
  const send = (async (type: string, data: unknown) => {
    sent.push({ type, data });
    if (type === 'getQueueDetail') return { ok: true, data: detail };
    return undefined;
  }) as Send;
  const jobs = new JobsPageState(send);
  jobs.setInstance(instance());
  jobs.applySnapshot(snapshot([summary], { status: status([summary], { access }) }));
  await jobs.loadDetail(QUEUE);
  render(PageHarness, {
    props: {
      component: QueueDetailTable as unknown as Component<Record<string, unknown>>,
      props: { jobs, queueName: QUEUE },
    },
  });
  const row = (attr: 'data-iat-job' | 'data-iat-failed-job', id: string) =>
    document.querySelector<HTMLElement>(`tr[${attr}="${id}"]`)!;
  return { sent, row };
}

const details = (row: HTMLElement) => row.querySelector('[data-iat-asset-details]')?.textContent ?? null;
const links = (row: HTMLElement) =>
  Array.from(row.querySelectorAll('a'), (a) => [a.textContent?.trim(), a.getAttribute('href')]);

describe('queue detail table', () => {
  afterEach(cleanup);

  it("shows size, format, dimensions, capture date and owner of each job's asset, active and failed", async () => {
    const { row } = await renderTable();
    expect(details(row('data-iat-job', '1'))).toBe('HEIC · 4032×3024 · 2.3 MB · taken 2024-03-01 · Admin');
    // The same words as the card panel and the popup: one helper makes them.
    expect(details(row('data-iat-job', '1'))).toBe(assetDetailsText(photo));
    expect(details(row('data-iat-failed-job', '11'))).toBe('MOV · 1920×1080 · 46 MB · taken 2023-07-14');
    expect(within(row('data-iat-failed-job', '11')).getByText('VID_0045.MOV')).toBeTruthy();
    // No details from Immich: the row keeps its id and its link, and shows no empty line.
    expect(details(row('data-iat-job', '2'))).toBeNull();
    expect(links(row('data-iat-job', '2'))).toEqual([['View asset', `/photos/${summary.activeJobs[1]!.assetId}`]]);
  });

  it('links a person job to the person, and a face job to nothing it cannot know', async () => {
    const { row } = await renderTable();
    expect(links(row('data-iat-job', '1'))).toEqual([['View asset', `/photos/${summary.activeJobs[0]!.assetId}`]]);
    expect(links(row('data-iat-job', '3'))).toEqual([['View person', `/people/${PERSON_ID}`]]);
    expect(links(row('data-iat-failed-job', '12'))).toEqual([['View person', `/people/${PERSON_ID}`]]);
    // A face id maps to no asset through Immich's API: no link rather than a wrong one.
    expect(links(row('data-iat-job', '4'))).toEqual([]);
  });

  it("opens each job's raw view from its row, for a read-only token too", async () => {
    for (const access of ['full', 'read'] as const) {
      const { sent, row } = await renderTable(access);
      await fireEvent.click(within(row('data-iat-job', '4')).getByRole('button', { name: 'Raw' }));
      await fireEvent.click(within(row('data-iat-failed-job', '11')).getByRole('button', { name: 'Raw' }));
      expect(sent.filter((m) => m.type === 'openHistory').map((m) => m.data)).toEqual([
        { instanceId: 'home', queue: QUEUE, jobId: '4' },
        { instanceId: 'home', queue: QUEUE, jobId: '11' },
      ]);
      expect(screen.queryAllByRole('button', { name: 'Clear job' })).toHaveLength(access === 'full' ? 4 : 0);
      cleanup();
    }
  });
});

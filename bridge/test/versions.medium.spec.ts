import type {
  AutoHealRunResponse,
  ClearJobResponse,
  HistoryResponse,
  QueueCommandResponse,
  QueueDetail,
  QueuesResponse,
  StatusResponse,
} from '@immich-admin-tools/shared';
import { QUEUES } from '@immich-admin-tools/shared';
import { Browser } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { immichJobFor } from '../../sim/src/bull/immich-jobs.ts';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { immichProfile, pageTitle, type ImmichProfile } from '../../sim/src/versions.ts';
import { TESTED_VERSIONS } from '../src/compat/compatibility.ts';
import { BRIDGE_PREFIX } from '../src/redis/keys.ts';
import { errorCode, until, useStack, workOn, type Stack } from './harness.ts';

/**
 * The compatibility table, row by row: the simulator in each tested release's mode (its queues, server version,
 * the BullMQ version its queues write to `meta`, its worker's name, its Jobs page), real redis-server, real BullMQ
 * workers, a real bridge. docs/compatibility.md lists what differs per row.
 */

interface LogLine {
  level: number;
  module?: string;
  msg: string;
}

/** A stack for one release, with the bridge's warnings kept. */
function useRelease(release: ImmichProfile): { s: Stack; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const s = useStack(
    { STUCK_THRESHOLDS: 'faceDetection=1', LOG_LEVEL: 'warn' },
    { release, logDestination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) } },
  );
  return { s, logs };
}

const compatWarnings = (logs: LogLine[]) => logs.filter((line) => line.module === 'compat' && line.level >= 40);

/** A face detection held by a live worker that never returns, once the bridge shows it as hung. */
async function hungJob(s: Stack): Promise<string> {
  const { ids } = await workOn(
    s,
    { queue: 'faceDetection', behavior: 'hang', lockDuration: 2000 },
    [immichJobFor('faceDetection', 1)],
    1,
  );
  const id = ids[0]!;
  await s.h.until(
    async () => {
      const { body } = await s.h.api<QueueDetail>('/api/queues/faceDetection');
      return body.stuckJobs.some((job) => job.jobId === id && job.state === 'hung') ? true : undefined;
    },
    30_000,
    `hung job ${id}`,
  );
  return id;
}

/** A card the extension's matching found on the page: a happy-dom element, looked at from here. */
interface PageNode {
  textContent: string | null;
  querySelector(selector: string): PageNode | null;
  getAttribute(name: string): string | null;
}
interface PageMatching {
  findQueueCards(root: unknown): { queue: string; card: PageNode; link: PageNode }[];
}

/**
 * The extension's own card matching (extension/lib/immich-page.ts), loaded without types: they are the DOM's,
 * which the bridge's TypeScript program does not include. It only walks the nodes it is given.
 */
const pageMatching = (): Promise<PageMatching> =>
  import(new URL('../../extension/lib/immich-page.ts', import.meta.url).href) as Promise<PageMatching>;

/**
 * The imitation Jobs page as the fake Immich serves it, run in happy-dom (its client script polls the fake
 * Immich's API with the admin's cookie and renders the cards), and the cards the extension's matching finds on it.
 */
async function cardsOnPage(immichUrl: string) {
  const { findQueueCards } = await pageMatching();
  const browser = new Browser({
    settings: {
      enableJavaScriptEvaluation: true,
      suppressInsecureJavaScriptEnvironmentWarning: true,
      disableCSSFileLoading: true,
      handleDisabledFileLoadingAsSuccess: true,
    },
  });
  try {
    const page = browser.newPage();
    await page.goto(`${immichUrl}/admin/queues`);
    const cards = await until(
      async () => {
        const found = findQueueCards(page.mainFrame.document);
        return found.length > 0 ? found : undefined;
      },
      10_000,
      'the cards of the Jobs page',
    );
    return cards.map(({ queue, card, link }) => {
      const title = link.querySelector('span:last-child');
      return {
        queue,
        title: title?.textContent ?? null,
        titleClass: title?.getAttribute('class') ?? null,
        // The card root holds its own counters: the matching found the card, not just the link.
        holdsCounters: card.querySelector('.counter-active') !== null,
      };
    });
  } finally {
    await browser.close();
  }
}

for (const row of TESTED_VERSIONS)
  describe(`Immich ${row.immich} with BullMQ ${row.bullmq}`, () => {
    const release = immichProfile(row.immich);
    const { s, logs } = useRelease(release);
    const v = release.version;

    it('is reported tested in status.compatibility, with no warning at start-up', async () => {
      const { body } = await s.h.api<StatusResponse>('/api/status');
      expect(body.compatibility).toEqual({
        immich: { version: `v${v.major}.${v.minor}.${v.patch}`, tested: true },
        bullmq: { version: row.bullmq, tested: true },
        actionsAllowed: true,
        reason: null,
      });
      expect(compatWarnings(logs)).toEqual([]);
    });

    it('lists every queue of the release, and no other', async () => {
      const { body } = await s.h.api<QueuesResponse>('/api/queues');
      expect(body.queues.map((q) => q.name).sort()).toEqual([...release.queues].sort());
    });

    it('detects a hung job, sees its worker (named or not), and clears it', async () => {
      const id = await hungJob(s);
      const workers = await s.h.until(async () => {
        const { body } = await s.h.api<QueueDetail>('/api/queues/faceDetection');
        return body.workers > 0 ? body.workers : undefined;
      });
      expect(workers).toBe(1);
      const cleared = await s.h.api<ClearJobResponse>(`/api/queues/faceDetection/jobs/${id}/clear`, {
        method: 'POST',
        json: { mode: 'fail' },
      });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ cleared: true, jobId: id, slotStillHeld: true });
      expect(await s.h.redis.lpos('immich_bull:faceDetection:active', id)).toBeNull();
    });

    it('pauses and resumes through Immich’s Queues API', async () => {
      const paused = await s.h.api<QueueCommandResponse>('/api/queues/ocr/pause', { method: 'POST' });
      expect(paused.body).toEqual({ queue: 'ocr', isPaused: true, via: 'queues-api' });
      expect(await s.h.redis.hexists('immich_bull:ocr:meta', 'paused')).toBe(1);
      const resumed = await s.h.api<QueueCommandResponse>('/api/queues/ocr/resume', { method: 'POST' });
      expect(resumed.body).toEqual({ queue: 'ocr', isPaused: false, via: 'queues-api' });
      expect(await s.h.redis.hexists('immich_bull:ocr:meta', 'paused')).toBe(0);
    });

    it('finds every card of the release’s Jobs page with the extension’s selectors', async () => {
      const cards = await cardsOnPage(s.immich.url);
      const expected = QUEUES.filter((q) => q.hasCard && release.queues.includes(q.name)).map((q) => q.name);
      expect(cards.map((c) => c.queue).sort()).toEqual(expected.sort());
      for (const card of cards) {
        expect(card, card.queue).toEqual({
          queue: card.queue,
          title: pageTitle(release, card.queue),
          // Up to v2.4 the raw string, upper-cased by CSS only; title case from v2.5 on.
          titleClass: release.titleCase ? null : 'uppercase',
          holdsCounters: true,
        });
      }
    });
  });

describe('outside the tested range: Immich v3.3.0 whose queues run BullMQ 6.0.0', () => {
  const release: ImmichProfile = {
    ...immichProfile('3.2'),
    release: '3.3',
    version: { major: 3, minor: 3, patch: 0 },
    bullmq: '6.0.0',
  };
  const { s, logs } = useRelease(release);

  it('warns at start-up and says so in status.compatibility', async () => {
    const warnings = compatWarnings(logs);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/Immich v3\.3\.0 is outside the tested range \(2\.4\.0 to 3\.2\.x\)/);
    expect(warnings[0]!.msg).toMatch(/BullMQ 6\.0\.0 in Redis is outside the tested range/);
    expect(warnings[0]!.msg).toMatch(/until ALLOW_UNTESTED=true/);
    const { body } = await s.h.api<StatusResponse>('/api/status');
    expect(body.compatibility).toEqual({
      immich: { version: 'v3.3.0', tested: false },
      bullmq: { version: '6.0.0', tested: false },
      actionsAllowed: false,
      reason: warnings[0]!.msg,
    });
  });

  it('refuses to clear a hung job with 409, and leaves it where it was', async () => {
    const id = await hungJob(s);
    const refused = await s.h.api(`/api/queues/faceDetection/jobs/${id}/clear`, {
      method: 'POST',
      json: { mode: 'fail' },
    });
    expect(refused.status).toBe(409);
    expect(errorCode(refused.body)).toBe('UNTESTED_VERSION');
    expect(await s.h.redis.lpos('immich_bull:faceDetection:active', id)).not.toBeNull();
    expect(await s.h.redis.exists(`immich_bull:faceDetection:${id}:lock`)).toBe(1);
  });

  it('lets neither quarantine nor auto-heal write by itself: each skips, and says so once', async () => {
    const hung = await hungJob(s);
    const asset = String(immichJobFor('faceDetection', 1).data.id);
    expect((await s.h.api(`/api/problem-assets/${asset}/quarantine`, { method: 'POST' })).status).toBe(200);
    // Seen added by the next tick: quarantine would remove it from the wait list (no worker takes smartSearch).
    const [waiting] = await addImmichJobs(
      s.redisServer.url,
      'smartSearch',
      [{ name: 'SmartSearch', data: { id: asset } }],
      release.bullmq,
    );
    const skipLines = (module: string) =>
      logs.filter((line) => line.module === module && line.level === 40 && /skipped: .*ALLOW_UNTESTED/.test(line.msg));
    await until(async () => (skipLines('quarantine').length > 0 ? true : undefined), 10_000, 'quarantine to skip');

    const first = await s.h.api<AutoHealRunResponse>('/api/auto-heal/run', { method: 'POST' });
    expect(first.body.actions).toContainEqual(
      expect.objectContaining({ jobId: hung, action: 'fail', result: 'skipped', reason: 'UNTESTED_VERSION' }),
    );
    // More passes and ticks: still nothing written, and not one more line about it.
    const second = await s.h.api<AutoHealRunResponse>('/api/auto-heal/run', { method: 'POST' });
    expect(second.body.actions.filter((a) => a.jobId === hung)).toEqual([]);
    for (let i = 0; i < 4; i++) await s.h.bridge.snapshots.tick();
    expect(skipLines('quarantine')).toHaveLength(1);
    expect(skipLines('auto-heal')).toHaveLength(1);

    expect(await s.h.redis.lpos('immich_bull:smartSearch:wait', waiting!)).not.toBeNull();
    expect(await s.h.redis.exists(`immich_bull:smartSearch:${waiting}`)).toBe(1);
    expect(await s.h.redis.lpos('immich_bull:faceDetection:active', hung)).not.toBeNull();
    expect(await s.h.redis.zscore('immich_bull:faceDetection:failed', hung)).toBeNull();
    // Not even auto-heal's own lock was taken.
    const [, locks] = await s.h.redis.scan('0', 'MATCH', `${BRIDGE_PREFIX}:heal:*`, 'COUNT', 1000);
    expect(locks).toEqual([]);
    const removed = await s.h.api<HistoryResponse>('/api/history?event=asset_job_removed');
    expect(removed.body.items).toEqual([]);
  });
});

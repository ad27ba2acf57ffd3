/**
 * The insights page's Inspect tab against the real thing: Chromium with the built extension, the real bridge
 * over a private redis-server, and a simulator worker that holds a mail job (SendMail, whose data must never
 * show). The raw view is opened from the job's row on the Jobs page, as an admin would. Shots: test-output/inspect/.
 */
import { openImmichQueue, sendMailJob, startWorker, type SimWorker } from '@immich-admin-tools/sim';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithInstance, type ExtensionBrowser } from './support/browser.ts';
import { shot } from './support/shots.ts';
import { startStack, type Stack } from './support/stack.ts';

const QUEUE = 'notifications';
const SLUG = 'notifications';
const MAIL = sendMailJob(1);
/** What the mail job's data holds that no screen may show. */
const SECRETS = [String(MAIL.data.text).split(' ').pop()!, String(MAIL.data.to)];

describe('Inspect tab against a real bridge', () => {
  let stack: Stack;
  let browser: ExtensionBrowser;
  let worker: SimWorker | undefined;
  let queue: ReturnType<typeof openImmichQueue>;
  /** Redis as the test reads it, to compare with what the page shows. */
  const redis = () => queue.client;
  let jobId: string;
  const prefix = `immich_bull:${QUEUE}:`;

  const open = async (path: string): Promise<Page> => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(path);
    return page;
  };
  /** Nothing of the mail's data in the page's text, its panels' shadow roots included. */
  const noSecretOn = async (page: Page) => {
    const text = await page.evaluate(() =>
      [
        document.body.innerText,
        ...Array.from(document.querySelectorAll('*'), (el) => el.shadowRoot?.textContent ?? ''),
      ].join('\n'),
    );
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  };

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchWithInstance(stack, 'Home');

    queue = openImmichQueue(stack.redis.url, QUEUE);
    jobId = String((await queue.add(MAIL.name, MAIL.data)).id);
    // A live worker that never returns: the mail job stays active with its lock renewed.
    worker = await startWorker({ redisUrl: stack.redis.url, queue: QUEUE, behavior: 'hang' });
    await worker.waitForActive(1);
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await browser?.close();
    await stack?.stop();
  });

  it("lists a queue's keys with their type, length and TTL, its events and its worker", async () => {
    const page = await open(`chrome-extension://${browser.extensionId}/history-page.html`);
    await page.locator('[data-view="inspect"]').click();
    const queueSelect = page.locator('select[name="queue"]');
    await queueSelect.locator(`option[value="${QUEUE}"]`).waitFor({ state: 'attached' });
    await queueSelect.selectOption(QUEUE);
    await page.getByRole('button', { name: 'Show keys' }).click();
    const keys = page.getByTestId('inspect-keys');
    const row = (key: string) => keys.locator(`tr[data-key="${prefix}${key}"]`);
    await row('meta').waitFor();

    const cells = async (key: string) => (await row(key).locator('td').allTextContents()).map((t) => t.trim());
    expect(await cells('meta')).toEqual([
      `${prefix}meta`,
      'hash',
      String(Object.keys(await (await redis()).hgetall(`${prefix}meta`)).length),
      '—',
    ]);
    expect(await cells('active')).toEqual([`${prefix}active`, 'list', '1', '—']);
    expect((await cells(jobId)).slice(0, 2)).toEqual([`${prefix}${jobId}`, 'hash']);
    // The job's lock, found by the bounded SCAN, with the TTL its live worker keeps renewing.
    const lock = await cells(`${jobId}:lock`);
    expect(lock.slice(0, 2)).toEqual([`${prefix}${jobId}:lock`, 'string']);
    expect(lock[3]).toMatch(/^\d+s$|^\d+ ms$/);
    // Named keys BullMQ has not created yet are listed as missing, not hidden.
    expect(await cells('failed')).toEqual([`${prefix}failed`, 'none', '—', '—']);

    const events = page.getByTestId('inspect-events');
    await events.getByText(`jobId=${jobId}`).first().waitFor();
    const workers = page.getByTestId('inspect-workers');
    expect(await workers.locator('li').count()).toBe(1);
    expect(await workers.textContent()).toMatch(/127\.0\.0\.1:\d+ · up /);
    await noSecretOn(page);
    await shot(page, 'inspect', 'queue-keys');
    await page.close();
  });

  it("opens a mail job's raw view from its row on the Jobs page, with its data redacted", async () => {
    const jobsPage = await open(`${stack.immich.url}/admin/queues/${SLUG}`);
    const row = jobsPage.locator(`iat-panel[data-iat="queue-detail"] tr[data-iat-job="${jobId}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain(`SendMail #${jobId}`);
    const [page] = await Promise.all([
      browser.context.waitForEvent('page'),
      row.locator('[data-iat-action="inspect-job"]').click(),
    ]);
    await page.setViewportSize({ width: 1280, height: 900 });
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ view: 'inspect', queue: QUEUE, job: jobId });

    const raw = page.getByTestId('inspect-job');
    await raw.waitFor();
    expect(await raw.getByText(`${prefix}${jobId}`, { exact: true }).count()).toBe(1);
    const field = (name: string) => raw.locator(`tr[data-field="${name}"] td`);
    expect(await field('name').allTextContents()).toEqual(['name', 'SendMail']);
    expect(await field('data').allTextContents()).toEqual([
      'data (redacted)',
      '[redacted] (SendMail data is never shown)',
    ]);
    // The rest of the hash is there, as in Redis.
    expect(await field('processedOn').nth(1).textContent()).toBe(
      await (await redis()).hget(`${prefix}${jobId}`, 'processedOn'),
    );
    expect(await raw.textContent()).toMatch(/Lock \d+s · 0 log lines/);
    await noSecretOn(page);
    await noSecretOn(jobsPage);
    await shot(page, 'inspect', 'raw-mail-job');
    await jobsPage.close();
    await page.close();
  });

  it('runs an allowed console command and refuses the others with the reason', async () => {
    const page = await open(`chrome-extension://${browser.extensionId}/history-page.html?view=inspect&queue=${QUEUE}`);
    const box = page.getByTestId('inspect-console');
    const line = box.locator('input[name="command"]');
    await line.waitFor();
    const run = async (command: string) => {
      await line.fill(command);
      await box.getByRole('button', { name: 'Run' }).click();
    };

    await run(`HGETALL ${prefix}meta`);
    const output = box.getByTestId('console-output');
    await output.waitFor();
    expect(JSON.parse((await output.textContent())!)).toEqual(await (await redis()).hgetall(`${prefix}meta`));

    // The console redacts a mail job's data as the raw view does.
    await run(`HGET ${prefix}${jobId} data`);
    await output.filter({ hasText: 'redacted' }).waitFor();
    expect(await box.textContent()).toContain('Secrets redacted.');
    await noSecretOn(page);

    const error = box.getByTestId('console-error');
    const refusals: [string, RegExp][] = [
      [`DEL ${prefix}meta`, /DEL is not one of the read commands the console runs .*documented actions/],
      ['EVAL "return 1" 0', /Lua scripts and functions can write to Redis/],
      ['SCAN 0 MATCH immich_bull:*', /SCAN MATCH must name one queue before any wildcard/],
      [`LRANGE ${prefix}wait 0 -1`, /ranges are capped at 200 items/],
    ];
    for (const [command, reason] of refusals) {
      await run(command);
      await error.filter({ hasText: reason }).waitFor();
    }
    await shot(page, 'inspect', 'console-refused');
    expect(await (await redis()).hexists(`${prefix}meta`, 'version')).toBe(1);

    await run(`LLEN ${prefix}active`);
    await output.filter({ hasText: /^1$/ }).waitFor();
    await shot(page, 'inspect', 'console');
    await page.close();
  });
});

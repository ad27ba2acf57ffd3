/**
 * Auto-heal, quarantine and restart from the Jobs page, in Chromium with the built extension, against the
 * real bridge over a private redis-server and BullMQ workers that hang; restarts go to the simulator's fake
 * Docker Engine API, whose immich_server is a worker process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  addImmichJobs,
  immichJobsFor,
  startFakeDocker,
  startWorker,
  type FakeDocker,
  type SimWorker,
} from '@immich-admin-tools/sim';
import { cardPanel } from './jobs-page.helpers.ts';
import { shot } from './support/shots.ts';
import { addInstanceViaOptions, launchWithInstance, type ExtensionBrowser } from './support/browser.ts';
import { startStack, type Stack } from './support/stack.ts';

const SLUG = 'face-detection';

describe('auto-heal, quarantine and restart on the jobs page', () => {
  let stack: Stack;
  let browser: ExtensionBrowser;
  const workers: SimWorker[] = [];
  let page: Page;

  beforeAll(async () => {
    // No Docker API here: restarts are not available on this instance.
    stack = await startStack({
      stuckThresholds: 'faceDetection=2,smartSearch=2',
      env: { AUTO_HEAL_INTERVAL_SECONDS: '1', QUARANTINE_AFTER: '0', DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    browser = await launchWithInstance(stack);
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await browser?.close();
    await stack?.stop();
  });

  const hang = async (queue: string, offset: number) => {
    const [spec] = immichJobsFor(queue, 1, offset);
    const [jobId] = await addImmichJobs(stack.redis.url, queue, [spec!]);
    const worker = await startWorker({ redisUrl: stack.redis.url, queue, behavior: 'hang' });
    workers.push(worker);
    await worker.waitForActive(1);
    return { jobId: jobId!, assetId: String(spec!.data.id) };
  };

  it('switching auto-heal on from the summary bar makes a stuck badge go away by itself', async () => {
    await hang('faceDetection', 10);
    await page.goto(`${stack.immich.url}/admin/queues`);
    const panel = cardPanel(page, SLUG);
    await panel.locator('[data-iat-stuck="1"]').waitFor({ timeout: 20_000 });
    const summary = page.locator('[data-iat-summary]');
    expect(await summary.locator('[data-iat-auto-heal="off"]').count()).toBe(1);
    // No Docker control: no restart offered.
    expect(await summary.locator('[data-iat-action="clear-restart"]').count()).toBe(0);

    await summary.locator('[data-iat-action="auto-heal-toggle"]').check();
    await summary.locator('[data-iat-auto-heal="on"]').waitFor({ timeout: 15_000 });
    await panel.locator('[data-iat-stuck="0"]').waitFor({ timeout: 20_000 });
    await summary.locator('[data-iat-auto-heal-last]').waitFor({ timeout: 15_000 });
    expect(await summary.locator('[data-iat-auto-heal-last]').textContent()).toMatch(/fail/);
    await shot(summary, 'auto-heal', 'summary-healed');
    await summary.locator('[data-iat-action="auto-heal-toggle"]').uncheck();
    await summary.locator('[data-iat-auto-heal="off"]').waitFor({ timeout: 15_000 });
  });

  it("quarantines a job's asset from its row: the job is failed and the asset recorded", async () => {
    const { jobId, assetId } = await hang('faceDetection', 20);
    const panel = cardPanel(page, SLUG);
    await panel.locator('[data-iat-stuck="1"]').waitFor({ timeout: 20_000 });
    await panel.getByRole('button', { name: /Show 1 active job/ }).click();
    const row = panel.locator(`[data-iat-job="${jobId}"]`);
    await row.locator('[data-iat-action="quarantine"]').click();
    await shot(row, 'auto-heal', 'quarantine-confirm');
    await row.locator('[data-iat-confirm="quarantine"]').click();
    await page.locator('[data-iat-notice="success"]').first().waitFor({ timeout: 15_000 });
    // Active when quarantined: failed at once with the quarantine's reason.
    await panel.locator('[data-iat-stuck="0"]').waitFor({ timeout: 20_000 });
    const res = await fetch(`${stack.bridge.url}/api/problem-assets`, {
      headers: { authorization: `Bearer ${stack.bridge.token}` },
    });
    const body = (await res.json()) as { items: { assetId: string; quarantined: boolean }[] };
    expect(body.items.find((a) => a.assetId === assetId)).toMatchObject({ quarantined: true });
  });

  describe('with Docker control', () => {
    let other: Stack;
    let docker: FakeDocker;
    const socketDir = mkdtempSync(join(tmpdir(), 'iat-e2e-docker-'));

    beforeAll(async () => {
      const socketPath = join(socketDir, 'docker.sock');
      other = await startStack({ env: { DOCKER_HOST: `unix://${socketPath}`, QUARANTINE_AFTER: '0' } });
      // immich_server is a worker on the stack's Redis; the bridge checks for it at start-up, so it starts again.
      docker = await startFakeDocker({
        socketPath,
        worker: { redisUrl: other.redis.url, queue: 'faceDetection', behavior: 'hang' },
      });
      await other.restartBridge();
      await (
        await addInstanceViaOptions(browser, {
          name: 'E2E Docker',
          immichUrl: other.immich.url,
          bridgeUrl: other.bridge.url,
          token: other.bridge.token,
        })
      ).close();
    });

    afterAll(async () => {
      await other?.stop();
      await docker?.stop();
      rmSync(socketDir, { recursive: true, force: true });
    });

    it('offers "Clear all + restart" and says what a restart does to running jobs', async () => {
      await page.goto(`${other.immich.url}/admin/queues`);
      const summary = page.locator('[data-iat-summary]');
      const button = summary.locator('[data-iat-action="clear-restart"]');
      await button.waitFor({ timeout: 20_000 });
      await button.click();
      const confirm = summary.getByRole('group', { name: /restart immich_server/i });
      expect(await confirm.textContent()).toMatch(/Every job running now is cut off/);
      await shot(summary, 'auto-heal', 'restart-confirm');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      expect(docker.restarts).toBe(0);
    });
  });
});

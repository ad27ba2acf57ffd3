/** Shared by the jobs-page e2e file and the content-script bench: where panels are. */
import type { Page } from 'playwright-core';

/** Playwright's CSS engine pierces open shadow roots, so these reach inside the panels. */
export const cardPanel = (page: Page, slug: string) =>
  page.locator(`iat-panel[data-iat="queue-card"][data-iat-slug="${slug}"]`);
export const cardRoot = (page: Page, slug: string) =>
  page.locator('div.rounded-2xl').filter({ has: page.locator(`a[href="/admin/queues/${slug}"]`) });

/** How many panels of a kind the page holds (light DOM hosts). */
export const panelCount = (page: Page, id: string) =>
  page.evaluate((kind) => document.querySelectorAll(`iat-panel[data-iat="${kind}"]`).length, id);

/** Per card: how many queue-card panels sit inside it (must be exactly one each). */
export const panelsPerCard = (page: Page) =>
  page.evaluate(() =>
    Array.from(
      document.querySelectorAll('div.rounded-2xl'),
      (card) => card.querySelectorAll('iat-panel[data-iat="queue-card"]').length,
    ),
  );

/** Seconds shown by a "3m 05s"-style duration. */
export function parseDuration(text: string): number {
  let seconds = 0;
  for (const [, value, unit] of text.matchAll(/(\d+)\s*([dhms])/g)) {
    seconds += Number(value) * { d: 86400, h: 3600, m: 60, s: 1 }[unit as 'd' | 'h' | 'm' | 's'];
  }
  return seconds;
}

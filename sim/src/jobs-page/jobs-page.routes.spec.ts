import { describe, expect, it } from 'vitest';
import { JOBS_PAGE_SCRIPT, jobsPageRoutes } from './jobs-page.routes.ts';

const app = jobsPageRoutes({ sessionToken: 'page-session' });

async function configOf(path: string) {
  const response = await app.request(path);
  expect(response.status).toBe(200);
  const html = await response.text();
  const json = /<script id="sim-config" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
  return {
    html,
    config: JSON.parse(json ?? 'null') as { layout: string; cards: string[]; queues: { slug: string }[] },
  };
}

describe('jobsPageRoutes', () => {
  it("serves the SPA shell for every client route, with Immich's 12 cards in its order", async () => {
    for (const path of ['/admin/queues', '/admin/queues/face-detection', '/photos/abc']) {
      const { html, config } = await configOf(path);
      expect(html).toContain(`src="${JOBS_PAGE_SCRIPT}"`);
      expect(config.layout).toBe('queues');
      expect(config.cards).toHaveLength(12);
      expect(config.cards.slice(0, 3)).toEqual(['thumbnailGeneration', 'metadataExtraction', 'library']);
      expect(config.queues.map((queue) => queue.slug)).toContain('face-detection');
    }
  });

  it("signs the browser in as the admin, as Immich's login does, unless it already is", async () => {
    const cookies = (await app.request('/admin/queues')).headers.getSetCookie();
    expect(cookies).toContainEqual(expect.stringMatching(/^immich_access_token=page-session;.*HttpOnly; SameSite=Lax/));
    expect(cookies).toContainEqual(expect.stringMatching(/^immich_is_authenticated=true;/));
    const again = await app.request('/admin/queues', { headers: { cookie: 'immich_access_token=page-session' } });
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it('switches to the pre-2.4 layout on /admin/jobs-status or ?layout=legacy, and to 19 cards with ?cards=all', async () => {
    expect((await configOf('/admin/jobs-status')).config.layout).toBe('legacy');
    expect((await configOf('/admin/queues?layout=legacy')).config.layout).toBe('legacy');
    expect((await configOf('/admin/queues?cards=all')).config.cards).toHaveLength(19);
  });

  it('serves the client files with their types and nothing else from its folder', async () => {
    const script = await app.request(JOBS_PAGE_SCRIPT);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain("fetch('/api/queues'");
    expect((await app.request('/_sim/jobs-page.views.js')).status).toBe(200);
    expect((await app.request('/_sim/jobs-page.css')).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await app.request('/_sim/jobs-page.routes.ts')).status).toBe(404);
  });
});

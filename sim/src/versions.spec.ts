import { describe, expect, it } from 'vitest';
import { jobsPageRoutes } from './jobs-page/jobs-page.routes.ts';
import { serverRoutes } from './fake-immich/server.route.ts';
import { IMMICH_PROFILES, immichProfile, pageTitle } from './versions.ts';

describe('Immich release profiles', () => {
  it('give each release the queues it added', () => {
    const has = (release: string, queue: string) => immichProfile(release).queues.includes(queue);
    expect(immichProfile('2.4').queues).toHaveLength(17);
    expect([has('2.4', 'ocr'), has('2.4', 'workflow'), has('2.4', 'editor'), has('2.4', 'integrityCheck')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect([has('2.5', 'editor'), has('2.7', 'integrityCheck'), has('3.0', 'integrityCheck')]).toEqual([
      true,
      false,
      true,
    ]);
    expect(immichProfile('3.2').queues).toHaveLength(19);
  });

  it('name the worker from v3.0 on, and title-case the cards from v2.5 on', () => {
    expect(IMMICH_PROFILES.map((p) => [p.release, p.workerName, p.titleCase])).toEqual([
      ['2.4', null, false],
      ['2.5', null, true],
      ['2.6', null, true],
      ['2.7', null, true],
      ['3.0', 'microservices', true],
      ['3.1', 'microservices', true],
      ['3.2', 'microservices', true],
    ]);
    expect(() => immichProfile('2.3')).toThrow(/known: 2\.4, 2\.5/);
  });

  it('title cards as Immich’s transformToTitleCase does', () => {
    expect(['ocr', 'faceDetection', 'backupDatabase'].map((q) => pageTitle(immichProfile('3.1'), q))).toEqual([
      'Ocr',
      'Face Detection',
      'Create Database Dump',
    ]);
    expect(['ocr', 'faceDetection'].map((q) => pageTitle(immichProfile('2.4'), q))).toEqual(['OCR', 'Face detection']);
  });

  it('answer /api/server/version with `prerelease` from v3.0 on only', async () => {
    const version = async (release: string) =>
      (
        await serverRoutes(immichProfile(release).version, { apiKey: 'k', sessionToken: 't' }).request('/version')
      ).json();
    expect(await version('2.7')).toEqual({ major: 2, minor: 7, patch: 5 });
    expect(await version('3.0')).toEqual({ major: 3, minor: 0, patch: 0, prerelease: null });
  });

  it('shape the Jobs page: the release’s queues, its titles, upper case by CSS up to v2.4', async () => {
    const config = async (release: string) => {
      const app = jobsPageRoutes({ sessionToken: 't', immich: immichProfile(release) });
      const html = await (await app.request('/admin/queues?cards=all')).text();
      const json = /<script id="sim-config" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
      return JSON.parse(json ?? 'null') as {
        queues: { name: string; title: string }[];
        cards: string[];
        uppercaseTitles: boolean;
      };
    };
    const old = await config('2.4');
    expect(old.uppercaseTitles).toBe(true);
    expect(old.cards).toHaveLength(17);
    expect(old.queues.find((q) => q.name === 'ocr')?.title).toBe('OCR');
    const current = await config('3.2');
    expect(current.uppercaseTitles).toBe(false);
    expect(current.cards).toHaveLength(19);
    expect(current.queues.find((q) => q.name === 'ocr')?.title).toBe('Ocr');
  });
});

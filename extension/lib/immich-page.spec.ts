import { beforeEach, describe, expect, it } from 'vitest';
import { queueDto, renderSimPage } from '../test/jobs-page.fixture.ts';
import {
  findCardRoot,
  findCardsContainer,
  findDetailContainer,
  findPanelSlot,
  findQueueCards,
  isDarkPage,
  parseImmichPage,
  queueNameForSlug,
  slugFromHref,
} from './immich-page.ts';

describe('parseImmichPage', () => {
  it.each([
    ['https://photos.example/admin/queues', { kind: 'queues' }],
    ['https://photos.example/admin/queues/', { kind: 'queues' }],
    ['https://photos.example/admin/queues?x=1#y', { kind: 'queues' }],
    [
      'https://photos.example/admin/queues/face-detection',
      { kind: 'queue-detail', slug: 'face-detection', queue: 'faceDetection' },
    ],
    ['https://photos.example/admin/queues/ocr', { kind: 'queue-detail', slug: 'ocr', queue: 'ocr' }],
    ['https://photos.example/admin/jobs-status', { kind: 'legacy-jobs' }],
    ['https://photos.example/photos/abc', { kind: 'other' }],
    ['https://photos.example/admin/queues/face-detection/extra', { kind: 'other' }],
  ])('%s', (url, expected) => {
    expect(parseImmichPage(url)).toEqual(expected);
  });
});

describe('slugs', () => {
  it('reads the slug from raw and absolute hrefs, and nothing else', () => {
    expect(slugFromHref('/admin/queues/smart-search')).toBe('smart-search');
    expect(slugFromHref('https://x.test/admin/queues/smart-search?a=1')).toBe('smart-search');
    expect(slugFromHref('/admin/queues')).toBeNull();
    expect(slugFromHref('/admin/users/smart-search')).toBeNull();
    expect(slugFromHref(null)).toBeNull();
  });

  it('maps slugs to queue names, camel-casing ones the catalogue lacks', () => {
    expect(queueNameForSlug('storage-template-migration')).toBe('storageTemplateMigration');
    expect(queueNameForSlug('brand-new-queue')).toBe('brandNewQueue');
  });
});

describe('on the imitation page', () => {
  beforeEach(() => document.documentElement.removeAttribute('class'));

  it('finds one card per queue link pair, its slot, and the cards container', () => {
    renderSimPage('queues').update([queueDto('faceDetection', 2, 15, 2)]);
    const cards = findQueueCards(document);
    expect(cards).toHaveLength(12);
    const face = cards.find((card) => card.queue === 'faceDetection')!;
    expect(face.card.classList.contains('rounded-2xl')).toBe(true);
    expect(face.card.querySelectorAll('a[href="/admin/queues/face-detection"]')).toHaveLength(2);
    const slot = findPanelSlot(face.card, face.link);
    expect(slot.contains(face.link)).toBe(true);
    expect(slot).not.toBe(face.card);
    expect(findCardsContainer(cards.map((card) => card.card))).toBe(face.card.parentElement);
  });

  it('finds the card without Tailwind classes, by the links it holds', () => {
    renderSimPage('queues');
    for (const card of document.querySelectorAll('.rounded-2xl')) card.classList.remove('rounded-2xl');
    const link = document.querySelector<HTMLAnchorElement>('a[href="/admin/queues/ocr"]')!;
    const card = findCardRoot(link)!;
    expect(card.querySelectorAll('a[href^="/admin/queues/"]')).toHaveLength(2);
    expect(card.parentElement!.querySelectorAll('a[href^="/admin/queues/"]').length).toBeGreaterThan(2);
  });

  it('finds no cards on the pre-2.4 layout', () => {
    renderSimPage('legacy');
    expect(findQueueCards(document)).toEqual([]);
  });

  it('finds the detail page container below the heading', () => {
    renderSimPage('detail');
    const container = findDetailContainer(document)!;
    expect(container.querySelector('h1')?.textContent).toBe('Face Detection');
  });

  it('reads dark mode from html.dark, with .light winning', () => {
    expect(isDarkPage(document)).toBe(false);
    document.documentElement.classList.add('dark');
    expect(isDarkPage(document)).toBe(true);
    document.documentElement.classList.add('light');
    expect(isDarkPage(document)).toBe(false);
  });
});

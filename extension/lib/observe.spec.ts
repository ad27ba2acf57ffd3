import { afterEach, describe, expect, it, vi } from 'vitest';
import { queueDto, renderSimPage } from '../test/jobs-page.fixture.ts';
import { QUEUE_LINK_SELECTOR } from './immich-page.ts';
import { observe } from './observe.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('observe', () => {
  let scope = new AbortController();
  afterEach(() => {
    scope.abort();
    scope = new AbortController();
  });

  it('reports each link once, however often Immich refreshes counts', async () => {
    const page = renderSimPage('queues');
    const matched: Element[] = [];
    const changes: number[] = [];
    const controller = new AbortController();
    observe(QUEUE_LINK_SELECTOR, {
      signal: controller.signal,
      onMatch: (link) => matched.push(link),
      onChange: (links) => changes.push(links.length),
    });
    expect(matched).toHaveLength(24);
    for (let tick = 1; tick <= 3; tick++) {
      page.update([queueDto('faceDetection', tick % 2 ? 2 : 0, tick, tick % 2)]);
      await settle();
    }
    expect(matched).toHaveLength(24);
    expect(changes.length).toBeGreaterThan(1);
    expect(changes.every((count) => count === 24)).toBe(true);
    controller.abort();
  });

  it('reports the new links of re-created cards, and nothing after abort', async () => {
    const page = renderSimPage('queues');
    const matched: Element[] = [];
    const controller = new AbortController();
    observe(QUEUE_LINK_SELECTOR, { signal: controller.signal, onMatch: (link) => matched.push(link) });
    page.rerender();
    await settle();
    expect(matched).toHaveLength(48);
    expect(matched.slice(24).every((link) => link.isConnected)).toBe(true);
    controller.abort();
    page.rerender();
    await settle();
    expect(matched).toHaveLength(48);
  });

  it('says once when the selector never matches (pre-2.4 layout)', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    renderSimPage('legacy');
    const onMissing = vi.fn();
    observe(QUEUE_LINK_SELECTOR, { signal: scope.signal, missingAfterMs: 2500, onMissing });
    vi.advanceTimersByTime(2499);
    expect(onMissing).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onMissing).toHaveBeenCalledOnce();
    vi.useRealTimers();
  });

  it('does not call onMissing when the cards arrive late', async () => {
    vi.useFakeTimers();
    document.body.innerHTML = '<main id="sim-main"></main>';
    const onMissing = vi.fn();
    observe(QUEUE_LINK_SELECTOR, { signal: scope.signal, missingAfterMs: 2500, onMissing });
    renderSimPage('queues');
    await vi.advanceTimersByTimeAsync(3000);
    expect(onMissing).not.toHaveBeenCalled();
    vi.useRealTimers();
  });
});

import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ConnectionStatus from '../features/ui/ConnectionStatus.svelte';
import { mountShadowPanel } from './mount.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('mountShadowPanel', () => {
  afterEach(() => {
    document.body.innerHTML = '';
    document.documentElement.className = '';
  });

  function mountOne(signal: AbortSignal) {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const anchor = document.createElement('div');
    document.body.append(anchor);
    const panel = mountShadowPanel({
      id: 'test-panel',
      attributes: { 'data-iat-slug': 'ocr' },
      signal,
      component: ConnectionStatus,
      props: { kind: 'ok' as const, text: 'Bridge connected' },
      place: (host) => anchor.append(host),
    });
    flushSync();
    return { anchor, panel, root: panel.host.shadowRoot!.querySelector<HTMLElement>('.iat-root')! };
  }

  it('renders into an open shadow root on a marked host beside the page nodes', () => {
    const { anchor, panel } = mountOne(new AbortController().signal);
    expect(panel.host.parentElement).toBe(anchor);
    expect(panel.host.getAttribute('data-iat')).toBe('test-panel');
    expect(panel.host.getAttribute('data-iat-slug')).toBe('ocr');
    expect(panel.host.shadowRoot?.textContent).toContain('Bridge connected');
    expect(anchor.textContent).toBe('');
  });

  it("mirrors the page's dark mode onto its own root", async () => {
    const { root } = mountOne(new AbortController().signal);
    expect(root.classList.contains('dark')).toBe(false);
    document.documentElement.classList.add('dark');
    await settle();
    expect(root.classList.contains('dark')).toBe(true);
    document.documentElement.classList.remove('dark');
    await settle();
    expect(root.classList.contains('dark')).toBe(false);
  });

  it('is removed with its Svelte app when its signal aborts', () => {
    const controller = new AbortController();
    const { anchor, panel } = mountOne(controller.signal);
    controller.abort();
    expect(panel.host.isConnected).toBe(false);
    expect(anchor.children).toHaveLength(0);
    expect(() => panel.remove()).not.toThrow();
  });

  it("keeps keys typed in a panel from Immich's shortcuts", () => {
    const { panel } = mountOne(new AbortController().signal);
    const onKey = vi.fn();
    document.addEventListener('keydown', onKey);
    panel.host
      .shadowRoot!.querySelector('span')!
      .dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true, composed: true }));
    document.removeEventListener('keydown', onKey);
    expect(onKey).not.toHaveBeenCalled();
  });
});

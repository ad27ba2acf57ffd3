/**
 * Shadow-root Svelte panels for Immich's page. One host element per panel, marked `data-iat="<id>"`,
 * placed by the caller beside Immich's nodes (never inside Svelte's blocks). All panels share one
 * constructed stylesheet (fetched once), and mirror the page's dark mode onto their own root.
 */
import { mount, unmount, type Component } from 'svelte';
import { browser } from 'wxt/browser';
import { splitShadowRootCss } from 'wxt/utils/split-shadow-root-css';
import { isDarkPage } from './immich-page.ts';
import { logger } from './log-once.ts';
import PortalRoot from './PortalRoot.svelte';

export const HOST_ATTR = 'data-iat';
export const HOST_TAG = 'iat-panel';
/** Built by WXT from the content script's CSS import (cssInjectionMode 'ui'), listed in web_accessible_resources. */
const CSS_PATH = '/content-scripts/jobs.css';

export interface ShadowPanel {
  readonly host: HTMLElement;
  remove(): void;
}

export interface MountPanelOptions<P extends Record<string, unknown>> {
  /** Feature id, written to the host's `data-iat` attribute. */
  id: string;
  /** Inserts the host into the page. */
  place: (host: HTMLElement) => void;
  component: Component<P>;
  props: P;
  /** Removing the panel when it aborts. */
  signal: AbortSignal;
  /** Extra attributes for the host (e.g. `data-iat-slug`), so callers can find their panels. */
  attributes?: Record<string, string>;
}

let cssText: Promise<string> | null = null;
let sharedSheet: CSSStyleSheet | null = null;
const roots = new Set<HTMLElement>();
let themeObserver: MutationObserver | null = null;

/** Fetches the CSS once; `@property`/`@font-face` go to the document, where shadow roots can see them. */
function loadCss(): Promise<string> {
  // getURL is typed for the public folder only; the CSS is a build output.
  const getUrl = browser.runtime.getURL as (path: string) => string;
  cssText ??= fetch(getUrl(CSS_PATH))
    .then((response) => response.text())
    .then((raw) => {
      const { shadowCss, documentCss } = splitShadowRootCss(raw.replaceAll(':root', ':host'));
      if (documentCss) {
        const style = document.createElement('style');
        style.setAttribute(`${HOST_ATTR}-document-css`, '');
        style.textContent = documentCss;
        (document.head ?? document.documentElement).append(style);
      }
      // The reset goes in the lowest layer so Tailwind's (layered) preflight can still set fonts on :host.
      return `@layer iat-reset{:host{all:initial}}\n:host{display:block}\n${shadowCss}`;
    })
    .catch((error: unknown) => {
      logger.errorOnce('css', 'could not load the panel styles', error);
      return ':host{all:initial;display:block}';
    });
  return cssText;
}

/** Constructed sheets are shared by all shadow roots; Firefox's content-script wrappers refuse them, so fall back to <style>. */
function applyCss(shadow: ShadowRoot, css: string): void {
  try {
    sharedSheet ??= new CSSStyleSheet();
    if (sharedSheet.cssRules.length === 0) sharedSheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sharedSheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = css;
    shadow.prepend(style);
  }
}

function syncTheme(): void {
  const dark = isDarkPage(document);
  for (const root of roots) root.classList.toggle('dark', dark);
}

function trackTheme(root: HTMLElement): void {
  roots.add(root);
  root.classList.toggle('dark', isDarkPage(document));
  if (themeObserver) return;
  themeObserver = new MutationObserver(syncTheme);
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
}

function untrackTheme(root: HTMLElement): void {
  roots.delete(root);
  if (roots.size > 0 || !themeObserver) return;
  themeObserver.disconnect();
  themeObserver = null;
}

/** Mounts a Svelte component in a new shadow root; synchronous so a caller can dedupe at once. */
export function mountShadowPanel<P extends Record<string, unknown>>(options: MountPanelOptions<P>): ShadowPanel {
  const host = document.createElement(HOST_TAG);
  host.setAttribute(HOST_ATTR, options.id);
  for (const [name, value] of Object.entries(options.attributes ?? {})) host.setAttribute(name, value);
  // Hidden until styled, so the panel never flashes as raw HTML.
  host.style.visibility = 'hidden';
  const shadow = host.attachShadow({ mode: 'open' });
  // Keys typed in a panel must not reach Immich's page-wide shortcuts.
  for (const type of ['keydown', 'keyup', 'keypress']) host.addEventListener(type, (event) => event.stopPropagation());

  let removed = false;
  const root = document.createElement('div');
  root.className = 'iat-root';
  shadow.append(root);
  void loadCss().then((css) => {
    if (removed) return;
    applyCss(shadow, css);
    host.style.removeProperty('visibility');
  });

  options.place(host);
  trackTheme(root);
  const app = mount(PortalRoot<P>, {
    target: root,
    props: { name: options.id, portalTo: root, content: options.component, contentProps: options.props },
  });

  const remove = () => {
    if (removed) return;
    removed = true;
    untrackTheme(root);
    try {
      void unmount(app);
    } finally {
      host.remove();
    }
  };
  options.signal.addEventListener('abort', remove, { once: true });
  return { host, remove };
}

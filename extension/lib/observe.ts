/**
 * Idempotent selector observer: reports each matching element once (seen-marks survive re-runs), and
 * the full list of current matches after every DOM batch so callers can drop UIs whose anchor left.
 * Svelte re-renders arrive as one mutation batch per task, so MutationObserver's own batching suffices.
 */
import { logger } from './log-once.ts';

export interface ObserveOptions<E extends Element> {
  signal: AbortSignal;
  /** Where to look; the document by default. */
  root?: Document | Element;
  /** Once per element that starts matching. */
  onMatch?: (element: E) => void;
  /** After each batch (and once at start) with every element that matches now. */
  onChange?: (matches: readonly E[]) => void;
  /** Called once when nothing has matched this long after start (another Immich layout?). */
  missingAfterMs?: number;
  onMissing?: () => void;
}

export function observe<E extends Element = Element>(selector: string, options: ObserveOptions<E>): void {
  const { signal, onMatch, onChange, missingAfterMs, onMissing } = options;
  if (signal.aborted) return;
  const root = options.root ?? document;
  const seen = new WeakSet<Element>();
  let everMatched = false;

  const run = () => {
    if (signal.aborted) return;
    const matches = Array.from(root.querySelectorAll<E>(selector));
    if (matches.length > 0) everMatched = true;
    for (const element of matches) {
      if (seen.has(element)) continue;
      seen.add(element);
      onMatch?.(element);
    }
    onChange?.(matches);
  };

  const observer = new MutationObserver(run);
  observer.observe(root, { childList: true, subtree: true });
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });

  if (missingAfterMs !== undefined) {
    const timer = setTimeout(() => {
      if (everMatched || signal.aborted) return;
      logger.warnOnce(`selector:${selector}`, `no element matches ${selector} on ${location.pathname}`);
      onMissing?.();
    }, missingAfterMs);
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  }
  run();
}

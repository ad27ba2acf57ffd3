/**
 * A feature is one injected panel: `include` says on which Immich page it belongs, `init` mounts it
 * and ties everything it starts to `signal`, which aborts when the page changes. One failing feature
 * never stops another or Immich's page; each failure is logged once.
 */
import type { ImmichPage } from '../lib/immich-page.ts';
import { logger } from '../lib/log-once.ts';
import type { JobsPageState } from '../lib/state/jobs-page.svelte.ts';

export interface FeatureEnv {
  page: ImmichPage;
  state: JobsPageState;
  /** Wraps a callback the feature hands to the page (observer, timer) so its errors stay contained. */
  contain: <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => void;
}

export interface Feature {
  id: string;
  include: (page: ImmichPage) => boolean;
  init: (signal: AbortSignal, env: FeatureEnv) => void | Promise<void>;
}

function report(id: string, error: unknown): void {
  logger.errorOnce(`feature:${id}`, `feature "${id}" failed`, error);
}

export function containFor(id: string): FeatureEnv['contain'] {
  return (fn) =>
    (...args) => {
      try {
        fn(...args);
      } catch (error) {
        report(id, error);
      }
    };
}

/** Starts every feature that wants `page`; returns the ids started. */
export function startFeatures(
  features: readonly Feature[],
  base: Omit<FeatureEnv, 'contain'>,
  signal: AbortSignal,
): string[] {
  const started: string[] = [];
  for (const feature of features) {
    const contain = containFor(feature.id);
    contain(() => {
      if (!feature.include(base.page)) return;
      started.push(feature.id);
      const result = feature.init(signal, { ...base, contain });
      if (result instanceof Promise) result.catch((error: unknown) => report(feature.id, error));
    })();
  }
  return started;
}

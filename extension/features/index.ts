/** Every feature of the jobs-page content script, in mount order. */
import type { Feature } from './feature.ts';
import { fallbackPanel } from './fallback-panel.ts';
import { queueCardPanel } from './queue-card-panel.ts';
import { queueDetail } from './queue-detail.ts';
import { summaryBar } from './summary-bar.ts';

export const FEATURES: readonly Feature[] = [summaryBar, queueCardPanel, queueDetail, fallbackPanel];

/**
 * The simulator's imitation of Immich's Jobs page, rendered into happy-dom's document: the same views
 * the sim serves, so unit tests meet the card markup and re-render behaviour the e2e run meets.
 */
import { QUEUES } from '@immich-admin-tools/shared';
import {
  renderDetail,
  renderLegacy,
  renderList,
  type QueueDto,
  type View,
} from '../../sim/src/jobs-page/client/jobs-page.views.js';

const META = QUEUES.map(({ name, title, slug }) => ({ name, title, slug }));
const CARDS = QUEUES.filter((queue) => queue.hasCard).map((queue) => queue.name);

export function queueDto(name: string, active = 0, waiting = 0, failed = 0): QueueDto {
  return { name, isPaused: false, statistics: { active, completed: 0, failed, delayed: 0, waiting, paused: 0 } };
}

export interface SimPage {
  main: HTMLElement;
  /** Counts changed, as Immich's 3 s poll does (text in place, `{#if}` blocks come and go). */
  update(queues: QueueDto[]): void;
  /** Every card re-created, as when Svelte remounts the page. */
  rerender(): void;
}

export function renderSimPage(kind: 'queues' | 'legacy' | 'detail', detailQueue = 'faceDetection'): SimPage {
  document.body.innerHTML = '<main id="sim-main"></main>';
  const main = document.getElementById('sim-main')!;
  let last = new Map<string, QueueDto>();
  let view: View;
  const render = () => {
    main.replaceChildren();
    if (kind === 'queues') view = renderList(main, META, CARDS);
    else if (kind === 'legacy') view = renderLegacy(main, META, CARDS);
    else
      view = renderDetail(
        main,
        META.find((queue) => queue.name === detailQueue)!,
      );
    view.update(last);
  };
  render();
  return {
    main,
    update(queues) {
      last = new Map(queues.map((queue) => [queue.name, queue]));
      view.update(last);
    },
    rerender: render,
  };
}

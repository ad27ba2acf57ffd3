/** Types of the imitation page's views, for the extension's tests that render them under happy-dom. */
export interface QueueMeta {
  name: string;
  title: string;
  slug: string;
}
export interface QueueStats {
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  waiting: number;
  paused: number;
}
export interface QueueDto {
  name: string;
  isPaused: boolean;
  statistics: QueueStats;
}
export interface View {
  update(queues: Map<string, QueueDto>): void;
  destroy?(): void;
}
export function renderList(
  main: HTMLElement,
  all: QueueMeta[],
  cardNames: string[],
  options?: { uppercaseTitles?: boolean },
): View;
export function renderDetail(main: HTMLElement, queue: QueueMeta): View;
export function renderPhoto(main: HTMLElement, assetId: string): View;
export function renderLegacy(main: HTMLElement, all: QueueMeta[], cardNames: string[]): View;

/**
 * Class lists for the small controls repeated in every job row. Plain elements with these classes
 * cost a fraction of @immich/ui's Button/Badge (which compute their classes on each mount), and rows
 * come and go with every snapshot on a busy queue; the look follows @immich/ui's tiny sizes.
 */
const BUTTON_BASE =
  'inline-flex shrink-0 cursor-pointer items-center justify-center gap-1 rounded-lg px-2 py-0.5 text-xs font-medium outline-offset-2 transition-colors focus-visible:outline-2 disabled:cursor-not-allowed disabled:opacity-50';

export const BUTTON = {
  ghost: `${BUTTON_BASE} text-primary outline-primary hover:bg-primary/15`,
  outlineDanger: `${BUTTON_BASE} border border-danger text-danger outline-danger hover:bg-danger/15`,
  danger: `${BUTTON_BASE} bg-danger text-light outline-danger hover:bg-danger/80`,
  secondary: `${BUTTON_BASE} text-dark outline-dark hover:bg-dark/10`,
} as const;

const BADGE_BASE = 'inline-flex items-center rounded-md px-1.5 py-px text-xs font-medium';

export const BADGE = {
  success: `${BADGE_BASE} bg-success-100 text-success-800 dark:bg-success-800 dark:text-success-100`,
  danger: `${BADGE_BASE} bg-danger-100 text-danger-800 dark:bg-danger-800 dark:text-danger-100`,
  warning: `${BADGE_BASE} bg-warning-100 text-warning-800 dark:bg-warning-800 dark:text-warning-100`,
  secondary: `${BADGE_BASE} bg-dark-100 text-dark-800 dark:bg-dark-700 dark:text-dark-100`,
} as const;

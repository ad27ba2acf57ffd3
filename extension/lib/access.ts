/** Whether the UI offers actions for an instance (issue 8: BRIDGE_READ_TOKEN). */
import type { StatusResponse } from '@immich-admin-tools/shared';

/**
 * True when the instance's token is the bridge's read-only one: the bridge answers every action 403
 * `READ_ONLY_TOKEN`, so the popup and the page panels hide their action buttons instead of offering them.
 * An older bridge sends no `access`: it has one token, which may do everything.
 */
export const isReadOnly = (status: Pick<StatusResponse, 'access'> | null | undefined): boolean =>
  status?.access === 'read';

/** Said where the action buttons would be. */
export const READ_ONLY_NOTE = 'Read-only token: actions hidden';

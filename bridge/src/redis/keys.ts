/** Every Immich BullMQ key the bridge names. Immich's prefix has been `immich_bull` since 2022. */
export const IMMICH_PREFIX = 'immich_bull';

/** The bridge's own keys (locks between bridges on one Redis); never under Immich's prefix. */
export const BRIDGE_PREFIX = 'immich_admin_tools';

export const queuePrefix = (queue: string) => `${IMMICH_PREFIX}:${queue}:`;

export const queueKeys = (queue: string) => {
  const p = queuePrefix(queue);
  return {
    prefix: p,
    active: `${p}active`,
    wait: `${p}wait`,
    paused: `${p}paused`,
    meta: `${p}meta`,
    stalled: `${p}stalled`,
    events: `${p}events`,
    marker: `${p}marker`,
    failed: `${p}failed`,
    prioritized: `${p}prioritized`,
    job: (jobId: string) => `${p}${jobId}`,
  };
};

/** SCAN pattern that finds each queue once, by its meta hash. */
export const META_SCAN_PATTERN = `${IMMICH_PREFIX}:*:meta`;

export function queueFromMetaKey(key: string): string | null {
  const match = /^immich_bull:(.+):meta$/.exec(key);
  return match ? match[1]! : null;
}

/**
 * Queue of a BullMQ worker connection, from its CLIENT LIST name `immich_bull:<base64(queue)>[:w:<worker>]`.
 * Queue objects leave their connection unnamed and QueueEvents add `:qe`, so neither is counted.
 */
export function queueFromClientName(name: string): string | null {
  const match = /^immich_bull:([A-Za-z0-9+/=]+)(:w:.*)?$/.exec(name);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  return /^[A-Za-z][A-Za-z0-9_-]*$/.test(decoded) ? decoded : null;
}

/** Queue names: Immich's are camelCase words; anything else of this shape is shown as an unknown queue. */
export const QUEUE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** BullMQ ids: auto-increment numbers or custom ids (Immich: asset uuids, `<albumId>/<recipientId>`). */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:/_.-]{0,199}$/;

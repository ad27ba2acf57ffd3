/** The UI's wording for bridge errors (STYLE §3.6: codes travel, the UI owns the words). */
import type { BridgeError } from './messaging.ts';

export interface ErrorText {
  /** Short state label: "Unreachable". */
  label: string;
  /** What to do about it. */
  hint: string;
}

const TEXT: Record<BridgeError['kind'], ErrorText> = {
  unreachable: {
    label: 'Unreachable',
    hint: 'Check that the bridge container runs, that its URL is right and that access was granted in the options.',
  },
  unauthorized: {
    label: 'Token refused',
    hint: 'The token does not match the bridge’s BRIDGE_TOKEN. Fix it in the options.',
  },
  not_a_bridge: {
    label: 'Not a bridge',
    hint: 'Something answered at this URL, but not the Immich Admin Tools bridge. Check the bridge URL and port.',
  },
  redis_down: {
    label: 'Redis down',
    hint: 'The bridge runs but cannot reach Immich’s Redis. Check REDIS_URL and the Redis container.',
  },
  http: { label: 'Bridge error', hint: 'The bridge refused the request.' },
  no_instance: { label: 'Not configured', hint: 'This instance is no longer configured.' },
  browser: { label: 'No access', hint: 'Grant access to the Immich and bridge URLs in the options.' },
  immich_auth: {
    label: 'Signed out',
    hint: 'Without a bridge the extension uses your Immich session: sign in to Immich as an admin in this browser.',
  },
  immich_unreachable: {
    label: 'Immich unreachable',
    hint: 'Check that Immich runs, that its URL is right and that access was granted in the options.',
  },
  immich_error: { label: 'Immich error', hint: 'Immich refused the request.' },
};

export function describeBridgeError(error: BridgeError): ErrorText {
  return TEXT[error.kind];
}

/** One line for a failed action: the bridge's message when it sent one, else the kind's label. */
export function actionErrorMessage(error: BridgeError): string {
  if (error.kind === 'http' && error.code === 'JOB_CHANGED')
    return 'The job moved on in the meantime; nothing was cleared.';
  return error.message || TEXT[error.kind].label;
}

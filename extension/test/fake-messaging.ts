import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

/**
 * @webext-core/messaging calls `chrome.runtime.sendMessage(message, callback)` and answers through
 * `sendResponse`; fakeBrowser supports neither. This routes such calls to the registered listeners.
 */
export function routeRuntimeMessages(): void {
  // fakeBrowser's lastError is a placeholder object; a real one is unset when all went well.
  Object.defineProperty(fakeBrowser.runtime, 'lastError', { value: undefined, configurable: true, writable: true });
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(((
    message: unknown,
    callback?: (r: unknown) => void,
  ) => {
    let answered = false;
    const respond = (value: unknown) => {
      if (answered) return;
      answered = true;
      callback?.(value);
    };
    const trigger = fakeBrowser.runtime.onMessage.trigger as (...args: unknown[]) => Promise<unknown[]>;
    void trigger(message, { id: fakeBrowser.runtime.id }, respond).then((results: unknown[]) => {
      if (!results.includes(true)) respond(undefined);
    });
  }) as never);
}

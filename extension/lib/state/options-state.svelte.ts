/** The options page: instances (add, edit, remove), host access, connection tests, settings. */
import { browser } from 'wxt/browser';
import type { StatusResponse } from '@immich-admin-tools/shared';
import { instanceOrigins, normaliseBridgeUrl, normaliseImmichUrl, originPattern } from '../instance-url.ts';
import { sendMessage, type BridgeError, type Instance } from '../messaging.ts';
import { instancesItem, settingsItem, type Settings } from '../storage.ts';

export interface Draft {
  id: string | null;
  name: string;
  immichUrl: string;
  bridgeUrl: string;
  token: string;
}

export type DraftErrors = Partial<Record<'name' | 'immichUrl' | 'bridgeUrl' | 'token', string>>;

export type TestResult =
  { state: 'testing' } | { state: 'ok'; status: StatusResponse } | { state: 'error'; error: BridgeError };

const emptyDraft = (): Draft => ({ id: null, name: '', immichUrl: '', bridgeUrl: '', token: '' });

/**
 * Checks and normalises a draft; pure, so the click handler can use it before anything is awaited. The bridge is
 * optional: without its URL (and then without a token) the extension uses Immich's own API.
 */
export function validateDraft(draft: Draft): { instance: Omit<Instance, 'id'> } | { errors: DraftErrors } {
  const errors: DraftErrors = {};
  const immich = normaliseImmichUrl(draft.immichUrl);
  const token = draft.token.trim();
  const withBridge = draft.bridgeUrl.trim() !== '';
  const bridge = withBridge ? normaliseBridgeUrl(draft.bridgeUrl) : ({ ok: true, url: '' } as const);
  if (!immich.ok) errors.immichUrl = immich.error;
  if (!bridge.ok) errors.bridgeUrl = bridge.error;
  if (withBridge && !token) errors.token = 'Paste the BRIDGE_TOKEN of the bridge.';
  if (!withBridge && token) {
    errors.bridgeUrl = "Enter the bridge's URL for this token, or clear the token to use Immich's own API.";
  }
  if (!immich.ok || !bridge.ok || Object.keys(errors).length > 0) return { errors };
  // Named after its host (and port) when left empty; immich.url is a bare origin here.
  const name = draft.name.trim() || immich.url.replace(/^https?:\/\//, '');
  return { instance: { name, immichUrl: immich.url, bridgeUrl: bridge.url, token } };
}

export class OptionsState {
  instances = $state<Instance[]>([]);
  settings = $state<Settings>({ notifyOnStuck: true });
  access = $state<Record<string, boolean>>({});
  tests = $state<Record<string, TestResult>>({});
  messages = $state<Record<string, string>>({});
  draft = $state<Draft | null>(null);
  errors = $state<DraftErrors>({});
  loaded = $state(false);

  async load(): Promise<void> {
    const [instances, settings] = await Promise.all([instancesItem.getValue(), settingsItem.getValue()]);
    this.instances = instances;
    this.settings = settings;
    await this.#checkAccess();
    this.loaded = true;
  }

  async #checkAccess(): Promise<void> {
    const entries = await Promise.all(
      this.instances.map(
        async (i) => [i.id, await browser.permissions.contains({ origins: instanceOrigins(i) })] as const,
      ),
    );
    this.access = Object.fromEntries(entries);
  }

  startAdd(): void {
    this.draft = emptyDraft();
    this.errors = {};
    delete this.tests.draft;
  }

  startEdit(instance: Instance): void {
    this.draft = { ...instance };
    this.errors = {};
    delete this.tests.draft;
  }

  cancelEdit(): void {
    this.draft = null;
  }

  /**
   * Click handler of "Save and grant access". permissions.request runs first, synchronously: Firefox refuses
   * it once anything was awaited in the handler.
   */
  save(): Promise<void> {
    if (!this.draft) return Promise.resolve();
    const checked = validateDraft(this.draft);
    if ('errors' in checked) {
      this.errors = checked.errors;
      return Promise.resolve();
    }
    const granted = browser.permissions.request({ origins: instanceOrigins(checked.instance) });
    const instance: Instance = { id: this.draft.id ?? crypto.randomUUID(), ...checked.instance };
    return this.#finishSave(instance, granted);
  }

  async #finishSave(instance: Instance, granted: Promise<boolean>): Promise<void> {
    const exists = this.instances.some((i) => i.id === instance.id);
    this.instances = exists
      ? this.instances.map((i) => (i.id === instance.id ? instance : i))
      : [...this.instances, instance];
    await instancesItem.setValue($state.snapshot(this.instances));
    this.draft = null;
    this.errors = {};
    await this.#afterGrant(instance, granted);
  }

  /** Click handler of "Grant access" for a saved instance: request first, nothing awaited before. */
  grant(instance: Instance): Promise<void> {
    const granted = browser.permissions.request({ origins: instanceOrigins(instance) });
    return this.#afterGrant(instance, granted);
  }

  async #afterGrant(instance: Instance, granted: Promise<boolean>): Promise<void> {
    let ok = false;
    try {
      ok = await granted;
    } catch (error) {
      this.messages[instance.id] = error instanceof Error ? error.message : String(error);
    }
    this.access[instance.id] = ok;
    if (!ok) {
      this.messages[instance.id] ??= 'Access was not granted: the extension cannot reach this bridge or Immich page.';
      return;
    }
    const result = await sendMessage('registerInstance', { instanceId: instance.id });
    if (result.ok) delete this.messages[instance.id];
    else this.messages[instance.id] = result.error.message;
  }

  async remove(instance: Instance): Promise<void> {
    // The background sees the change and drops the script registration and the host access.
    this.instances = this.instances.filter((i) => i.id !== instance.id);
    await instancesItem.setValue($state.snapshot(this.instances));
    delete this.access[instance.id];
    delete this.tests[instance.id];
  }

  /**
   * Click handler of "Test connection" (key: an instance id or 'draft'). The bridge answers the background
   * only with host access, so that is asked for first, synchronously.
   */
  test(key: string, bridgeUrlInput: string, tokenInput: string): Promise<void> {
    const bridge = normaliseBridgeUrl(bridgeUrlInput);
    if (!bridge.ok) {
      this.tests[key] = { state: 'error', error: { kind: 'not_a_bridge', message: bridge.error } };
      return Promise.resolve();
    }
    const granted = browser.permissions.request({ origins: [originPattern(bridge.url)] });
    return this.#runTest(key, bridge.url, tokenInput.trim(), granted);
  }

  async #runTest(key: string, bridgeUrl: string, token: string, granted: Promise<boolean>): Promise<void> {
    this.tests[key] = { state: 'testing' };
    const ok = await granted.catch(() => false);
    if (!ok) {
      this.tests[key] = {
        state: 'error',
        error: { kind: 'browser', message: `Access to ${bridgeUrl} was not granted.` },
      };
      return;
    }
    const result = await sendMessage('testConnection', { bridgeUrl, token });
    this.tests[key] = result.ok ? { state: 'ok', status: result.data } : { state: 'error', error: result.error };
  }

  async setNotifications(on: boolean): Promise<void> {
    this.settings = { ...this.settings, notifyOnStuck: on };
    await settingsItem.setValue($state.snapshot(this.settings));
  }
}

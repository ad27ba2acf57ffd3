/**
 * The settings view: the bridge's settings document, the user's unsaved changes per field, and the
 * bridge's answer to a save (its per-field errors shown beside the fields). Also the breaker reset and
 * the notifiers' "Send test".
 */
import type { SettingField, SettingsResponse, SettingsUpdate } from '@immich-admin-tools/shared';
import { SvelteMap } from 'svelte/reactivity';
import type { BridgeError, BridgeResult } from '../messaging.ts';
import { ask, type Send } from './insights.svelte.ts';

/** `section.field`, the key of the bridge's field errors. */
export const fieldKey = (section: string, field: string) => `${section}.${field}`;

export interface ActionOutcome {
  ok: boolean;
  text: string;
}

export class SettingsState {
  data = $state.raw<SettingsResponse | null>(null);
  loading = $state(false);
  error = $state.raw<BridgeError | null>(null);
  saving = $state(false);
  /** A failed save that is not about one field. */
  saveError = $state.raw<BridgeError | null>(null);
  saved = $state(false);
  /** Changed values by `section.field`, as they will be sent. */
  readonly drafts = new SvelteMap<string, unknown>();
  /** Errors by `section.field`: the bridge's, or the page's own when an input does not parse. */
  readonly fieldErrors = new SvelteMap<string, string>();
  /** Outcome of the breaker reset and of each notifier's test, by key. */
  readonly outcomes = new SvelteMap<string, ActionOutcome>();
  readonly busy = new SvelteMap<string, boolean>();
  #send: Send;
  #instanceId: () => string | null;

  constructor(send: Send, instanceId: () => string | null) {
    this.#send = send;
    this.#instanceId = instanceId;
  }

  async load(): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId) return;
    this.loading = true;
    this.error = null;
    const result = await ask(() => this.#send('getSettings', { instanceId }));
    this.loading = false;
    this.data = result.ok ? result.data : null;
    this.error = result.ok ? null : result.error;
    this.drafts.clear();
    this.fieldErrors.clear();
  }

  /** What a field shows: the draft when there is one. */
  valueOf(section: string, field: string, setting: SettingField): unknown {
    const key = fieldKey(section, field);
    return this.drafts.has(key) ? this.drafts.get(key) : setting.value;
  }

  /** Records a change, or an input the page could not parse (then nothing is sent for it). */
  change(section: string, field: string, value: unknown, parseError?: string): void {
    const key = fieldKey(section, field);
    this.saved = false;
    if (parseError) {
      this.fieldErrors.set(key, parseError);
      this.drafts.delete(key);
      return;
    }
    this.fieldErrors.delete(key);
    const current = this.data?.[section]?.[field];
    // An emptied secret means "keep the stored one".
    if (value === undefined) {
      this.drafts.delete(key);
      return;
    }
    if (current && !current.secret && JSON.stringify(current.value) === JSON.stringify(value)) this.drafts.delete(key);
    else this.drafts.set(key, value);
  }

  get dirty(): boolean {
    return this.drafts.size > 0;
  }

  /** Sends the changed fields in one PUT; a 400 puts the bridge's messages beside the fields. */
  async save(): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId || !this.dirty || this.saving) return;
    const update: SettingsUpdate = {};
    for (const [key, value] of this.drafts) {
      const dot = key.indexOf('.');
      (update[key.slice(0, dot)] ??= {})[key.slice(dot + 1)] = value;
    }
    this.saving = true;
    this.saveError = null;
    this.saved = false;
    const result = await ask(() => this.#send('updateSettings', { instanceId, update }));
    this.saving = false;
    if (result.ok) {
      this.data = result.data;
      this.drafts.clear();
      this.fieldErrors.clear();
      this.saved = true;
      return;
    }
    const fields = result.error.fields;
    if (fields && Object.keys(fields).length > 0) {
      for (const [key, message] of Object.entries(fields)) this.fieldErrors.set(key, message);
    } else {
      this.saveError = result.error;
    }
  }

  discard(): void {
    this.drafts.clear();
    this.fieldErrors.clear();
    this.saved = false;
  }

  resetBreaker(): Promise<void> {
    return this.#action('breaker', (instanceId) => this.#send('resetAutoHeal', { instanceId }), 'Breaker reset.');
  }

  testNotifier(notifier?: string): Promise<void> {
    return this.#action(
      `test:${notifier ?? ''}`,
      (instanceId) => this.#send('testAlert', { instanceId, ...(notifier ? { notifier } : {}) }),
      'Test alert sent.',
    );
  }

  async #action(
    key: string,
    call: (instanceId: string) => Promise<BridgeResult<unknown>>,
    success: string,
  ): Promise<void> {
    const instanceId = this.#instanceId();
    if (!instanceId || this.busy.get(key)) return;
    this.busy.set(key, true);
    const result = await ask(() => call(instanceId));
    this.busy.delete(key);
    this.outcomes.set(key, result.ok ? { ok: true, text: success } : { ok: false, text: result.error.message });
  }
}

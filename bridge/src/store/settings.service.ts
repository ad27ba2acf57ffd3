import type { SettingField, SettingsResponse, SettingsUpdate } from '@immich-admin-tools/shared';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import type { SettingsRepository } from './settings.repository.ts';

export interface FieldSpec {
  /** The environment variable that sets the field. */
  env?: string;
  /** Write-only: GET shows it masked. */
  secret?: boolean;
  /** Values an enum field accepts. */
  options?: readonly string[];
}

export interface SectionSpec<S extends z.ZodObject> {
  /** Validates the whole section after a change (cross-field rules included). */
  schema: S;
  defaults: z.infer<S>;
  /** Only the fields the environment set. */
  env: Partial<z.infer<S>>;
  fields?: Partial<Record<keyof z.infer<S> & string, FieldSpec>>;
}

interface Section {
  spec: SectionSpec<z.ZodObject>;
  stored: Record<string, unknown>;
  value: Record<string, unknown>;
}

type ChangeListener = (value: unknown) => void;

const MASK = '••••';

/** A secret as GET shows it: enough to recognise, never enough to use. */
export function maskSecret(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return value.length <= 8 ? MASK : `${MASK}${value.slice(-4)}`;
}

const isMasked = (value: unknown) => typeof value === 'string' && value.startsWith(MASK);

/**
 * Settings that can change at run time: each section is defaults < environment < API, validated with its
 * schema and persisted in the store, so a change survives restarts and wins over the environment.
 */
export class SettingsService {
  private readonly sections = new Map<string, Section>();
  private readonly listeners = new Map<string, Set<ChangeListener>>();
  private readonly saved: Map<string, Record<string, unknown>>;

  constructor(private readonly repository: SettingsRepository) {
    this.saved = repository.all();
  }

  /**
   * Registers a section at wiring time. Stored values that no longer validate (an older bridge's, a field
   * removed since) are dropped one field at a time rather than stopping start-up.
   */
  register<S extends z.ZodObject>(name: string, spec: SectionSpec<S>): void {
    const base = { ...spec.defaults, ...spec.env } as Record<string, unknown>;
    const stored: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(this.saved.get(name) ?? {})) {
      if (!(field in spec.schema.shape)) continue;
      if (spec.schema.safeParse({ ...base, ...stored, [field]: value }).success) stored[field] = value;
    }
    const value = spec.schema.parse({ ...base, ...stored }) as Record<string, unknown>;
    this.sections.set(name, { spec: spec as unknown as SectionSpec<z.ZodObject>, stored, value });
  }

  get<T>(name: string): T {
    const section = this.sections.get(name);
    if (!section) throw new Error(`settings section ${name} is not registered`);
    return section.value as T;
  }

  onChange(name: string, listener: ChangeListener): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  view(): SettingsResponse {
    const response: SettingsResponse = {};
    for (const [name, section] of this.sections) {
      const fields: Record<string, SettingField> = {};
      for (const field of Object.keys(section.spec.schema.shape)) {
        const meta: FieldSpec = section.spec.fields?.[field] ?? {};
        const source =
          field in section.stored ? 'api' : field in (section.spec.env as object) ? 'env' : ('default' as const);
        const value = section.value[field];
        fields[field] = {
          value: meta.secret ? maskSecret(value) : value,
          source,
          ...(meta.secret ? { secret: true } : {}),
          ...(meta.env ? { env: meta.env } : {}),
          ...(meta.options ? { options: [...meta.options] } : {}),
        };
      }
      response[name] = fields;
    }
    return response;
  }

  /**
   * Applies `{section: {field: value}}` all or nothing. `null` gives a field back to the environment or its
   * default; a secret sent back masked, as GET showed it, is left as it is.
   */
  update(patch: SettingsUpdate): SettingsResponse {
    const errors: Record<string, string> = {};
    const next = new Map<string, { stored: Record<string, unknown>; value: Record<string, unknown> }>();
    for (const [name, changes] of Object.entries(patch)) {
      const section = this.sections.get(name);
      if (!section) {
        errors[name] = `unknown settings section (known: ${[...this.sections.keys()].join(', ')})`;
        continue;
      }
      if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
        errors[name] = 'must be an object of fields';
        continue;
      }
      const stored = { ...section.stored };
      for (const [field, value] of Object.entries(changes)) {
        if (!(field in section.spec.schema.shape)) {
          errors[`${name}.${field}`] = 'unknown setting';
        } else if (value === null) {
          delete stored[field];
        } else if (!(section.spec.fields?.[field]?.secret && isMasked(value))) {
          stored[field] = value;
        }
      }
      const parsed = section.spec.schema.safeParse({ ...section.spec.defaults, ...section.spec.env, ...stored });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const key = [name, ...issue.path.map(String)].slice(0, 2).join('.');
          errors[key] ??= issue.message;
        }
        continue;
      }
      next.set(name, { stored, value: parsed.data as Record<string, unknown> });
    }
    const bad = Object.entries(errors);
    if (bad.length > 0) {
      throw new AppError('BAD_REQUEST', 400, bad.map(([key, message]) => `${key}: ${message}`).join('; '), errors);
    }
    for (const [name, { stored, value }] of next) {
      const section = this.sections.get(name)!;
      this.repository.save(name, stored);
      section.stored = stored;
      section.value = value;
      for (const listener of this.listeners.get(name) ?? []) listener(value);
    }
    return this.view();
  }
}

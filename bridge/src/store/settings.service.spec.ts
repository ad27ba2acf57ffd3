import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { SettingsService } from './settings.service.ts';
import { Store } from './store.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const schema = z.object({
  interval: z.number().int().min(1, 'at least 1'),
  mode: z.enum(['a', 'b']),
  secret: z.string(),
});

function open(dir = mkdtempSync(join(tmpdir(), 'iat-settings-'))) {
  if (!dirs.includes(dir)) dirs.push(dir);
  const store = Store.open(dir);
  const settings = new SettingsService(store.settings);
  settings.register('demo', {
    schema,
    defaults: { interval: 60, mode: 'a', secret: '' },
    env: { mode: 'b', secret: 'env-secret-value-1234' },
    fields: { interval: { env: 'DEMO_INTERVAL' }, mode: { options: ['a', 'b'] }, secret: { secret: true } },
  });
  return { dir, store, settings };
}

describe('SettingsService', () => {
  it('shows each value with its source, masks secrets, and lets the API win over the environment across restarts', () => {
    const { dir, store, settings } = open();
    expect(settings.view().demo).toEqual({
      interval: { value: 60, source: 'default', env: 'DEMO_INTERVAL' },
      mode: { value: 'b', source: 'env', options: ['a', 'b'] },
      secret: { value: '••••1234', source: 'env', secret: true },
    });
    const heard: unknown[] = [];
    settings.onChange('demo', (value) => heard.push(value));
    settings.update({ demo: { interval: 5, mode: 'a' } });
    expect(heard).toEqual([{ interval: 5, mode: 'a', secret: 'env-secret-value-1234' }]);
    store.close();

    const reopened = open(dir);
    expect(reopened.settings.get('demo')).toEqual({ interval: 5, mode: 'a', secret: 'env-secret-value-1234' });
    expect(reopened.settings.view().demo!.mode!.source).toBe('api');
    // null gives the field back to the environment.
    reopened.settings.update({ demo: { mode: null } });
    expect(reopened.settings.view().demo!.mode).toMatchObject({ value: 'b', source: 'env' });
    reopened.store.close();
  });

  it('keeps a secret sent back masked, and changes it when a new one comes', () => {
    const { store, settings } = open();
    settings.update({ demo: { secret: '••••1234' } });
    expect(settings.get<{ secret: string }>('demo').secret).toBe('env-secret-value-1234');
    settings.update({ demo: { secret: 'brand-new-secret-9876' } });
    expect(settings.get<{ secret: string }>('demo').secret).toBe('brand-new-secret-9876');
    store.close();
  });

  it('refuses a bad change as a whole, naming every bad field', () => {
    const { store, settings } = open();
    const error = (() => {
      try {
        settings.update({ demo: { interval: 0, mode: 'c', colour: 'blue' }, nope: { x: 1 } });
      } catch (e) {
        return e;
      }
    })() as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(400);
    expect(Object.keys(error.fields!).sort()).toEqual(['demo.colour', 'demo.interval', 'demo.mode', 'nope']);
    expect(error.fields!['demo.interval']).toBe('at least 1');
    expect(settings.get<{ interval: number }>('demo').interval).toBe(60);
    store.close();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { registerAutoHealSettings } from '../src/heal/auto-heal-settings.ts';
import { registerQuarantineSettings } from '../src/quarantine/quarantine-settings.ts';
import { SettingsService } from '../src/store/settings.service.ts';
import { Store } from '../src/store/store.ts';

const dirs: string[] = [];
const base = () => {
  const dir = mkdtempSync(join(tmpdir(), 'iat-heal-settings-'));
  dirs.push(dir);
  return { DATA_DIR: dir, BRIDGE_TOKEN: 'test-token-0123456789abcdef' };
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('auto-heal and quarantine configuration', () => {
  it('reads the variables, treats empty ones as unset, and defaults Docker control', () => {
    const config = loadConfig({
      ...base(),
      AUTO_HEAL_ENABLED: 'true',
      AUTO_HEAL_ACTION: 'clear_and_restart',
      AUTO_HEAL_INTERVAL_SECONDS: '',
      AUTO_HEAL_THRESHOLD_MINUTES: '15',
      QUARANTINE_AFTER: '0',
      DOCKER_HOST: ' ',
    });
    expect(config.autoHeal).toMatchObject({
      enabled: true,
      action: 'clear_and_restart',
      intervalSeconds: null,
      thresholdMinutes: 15,
      dryRun: null,
      quarantineAfter: 0,
    });
    expect(config.docker).toEqual({ host: 'unix:///var/run/docker.sock', container: 'immich_server' });
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ ...base(), AUTO_HEAL_ACTION: 'reboot', AUTO_HEAL_DRY_RUN: 'maybe', DOCKER_HOST: 'docker.sock' });
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/AUTO_HEAL_ACTION: must be alert_only/);
      expect(problems).toMatch(/AUTO_HEAL_DRY_RUN: must be true or false/);
      expect(problems).toMatch(/DOCKER_HOST: must be unix:/);
    }
  });

  it('shows each setting with its source, persists API changes and validates them', () => {
    const env = { ...base(), AUTO_HEAL_MAX_ACTIONS_PER_HOUR: '5' };
    const open = () => {
      const store = Store.open(env.DATA_DIR);
      const settings = new SettingsService(store.settings);
      const config = loadConfig(env);
      return {
        store,
        settings,
        heal: registerAutoHealSettings(settings, config.autoHeal),
        q: registerQuarantineSettings(settings, config.autoHeal),
      };
    };
    const first = open();
    expect(first.heal()).toMatchObject({
      enabled: false,
      action: 'clear_and_log',
      intervalSeconds: 60,
      maxActionsPerHour: 5,
    });
    const view = first.settings.update({ autoHeal: { enabled: true, dryRun: true }, quarantine: { after: 5 } });
    expect(view.autoHeal!.enabled).toMatchObject({ value: true, source: 'api', env: 'AUTO_HEAL_ENABLED' });
    expect(view.autoHeal!.maxActionsPerHour).toMatchObject({ value: 5, source: 'env' });
    expect(view.autoHeal!.intervalSeconds).toMatchObject({ value: 60, source: 'default' });
    expect(view.autoHeal!.action!.options).toEqual(['alert_only', 'clear_and_log', 'clear_and_restart']);
    expect(() => first.settings.update({ autoHeal: { intervalSeconds: 0 } })).toThrow(/autoHeal.intervalSeconds/);
    first.store.close();

    const second = open();
    expect(second.heal()).toMatchObject({ enabled: true, dryRun: true, maxActionsPerHour: 5 });
    expect(second.q()).toEqual({ after: 5 });
    second.store.close();
  });
});

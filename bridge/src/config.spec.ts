import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'iat-config-'));
const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ DATA_DIR: dataDir(), BRIDGE_TOKEN: 'a-token-of-sixteen+', ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('names each bad variable on its own line', () => {
    const found = problems({
      PORT: 'eighty',
      POLL_INTERVAL_MS: '5',
      STUCK_THRESHOLDS: 'faceDetection=abc',
      IMMICH_API_URL: 'ftp://x',
    });
    expect(found).toHaveLength(4);
    expect(found.find((p) => p.startsWith('PORT:'))).toContain('whole number');
    expect(found.find((p) => p.startsWith('POLL_INTERVAL_MS:'))).toContain('at least 250');
    expect(found.find((p) => p.startsWith('STUCK_THRESHOLDS:'))).toContain('"faceDetection=abc"');
    expect(found.find((p) => p.startsWith('IMMICH_API_URL:'))).toContain('http');
  });

  it('wants an API key with an Immich URL, and a long enough token', () => {
    expect(problems({ IMMICH_API_URL: 'http://immich:2283' })).toEqual([expect.stringMatching(/^IMMICH_API_KEY:/)]);
    expect(problems({ BRIDGE_TOKEN: 'short' })).toEqual([expect.stringMatching(/^BRIDGE_TOKEN: .*16/)]);
  });

  it('treats an empty variable as unset, as compose passes it for an unset ${VAR}', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir, BRIDGE_TOKEN: '', PORT: '', IMMICH_API_URL: ' ', LOG_FORMAT: '' });
    expect(config).toMatchObject({ tokenGenerated: true, port: 3000, immich: { apiUrl: null }, logFormat: null });
    expect(config.tokenFile).toBe(join(dir, 'bridge-token'));
  });

  it('says what is missing when the API key is empty but the Immich URL is set', () => {
    const [problem, ...rest] = problems({ IMMICH_API_URL: 'http://immich-server:2283', IMMICH_API_KEY: '' });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^IMMICH_API_KEY: missing .*IMMICH_API_URL is set/);
  });

  it('takes LOG_FORMAT pretty or json, nothing else', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), BRIDGE_TOKEN: 'a-token-of-sixteen+', LOG_FORMAT: 'json' });
    expect(config.logFormat).toBe('json');
    expect(problems({ LOG_FORMAT: 'fancy' })).toEqual([expect.stringMatching(/^LOG_FORMAT: must be pretty or json/)]);
  });

  it('keeps DATA_DIR and the token file as absolute paths', () => {
    const config = loadConfig({ DATA_DIR: 'relative-data-dir-for-test', BRIDGE_TOKEN: 'a-token-of-sixteen+' });
    expect(config.dataDir).toBe(join(process.cwd(), 'relative-data-dir-for-test'));
    expect(config.tokenFile).toBeNull();
  });

  it('normalises the Immich URL to the SDK base ending in /api', () => {
    for (const url of [
      'http://immich:2283',
      'http://immich:2283/',
      'http://immich:2283/api',
      'http://immich:2283/api/',
    ]) {
      const config = loadConfig({
        DATA_DIR: dataDir(),
        BRIDGE_TOKEN: 'a-token-of-sixteen+',
        IMMICH_API_URL: url,
        IMMICH_API_KEY: 'k',
      });
      expect(config.immich.apiUrl).toBe('http://immich:2283/api');
    }
  });

  it('reads thresholds, exclusions and Immich’s own Redis variables', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      BRIDGE_TOKEN: 'a-token-of-sixteen+',
      STUCK_THRESHOLDS: 'videoConversion=7200, faceDetection:90',
      EXCLUDED_QUEUES: 'backupDatabase,search',
      REDIS_HOSTNAME: 'immich_redis',
      REDIS_PORT: '6380',
      REDIS_DBINDEX: '2',
      REDIS_PASSWORD: 'pw',
    });
    expect(config.stuckThresholds).toEqual({ videoConversion: 7200, faceDetection: 90 });
    expect([...config.excludedQueues]).toEqual(['backupDatabase', 'search']);
    expect(config.redis).toEqual({
      kind: 'options',
      options: { host: 'immich_redis', port: 6380, db: 2, password: 'pw' },
    });
  });

  it('decodes Immich’s ioredis:// URL form', () => {
    const options = { sentinels: [{ host: 's1', port: 26379 }], name: 'mymaster' };
    const url = `ioredis://${Buffer.from(JSON.stringify(options)).toString('base64')}`;
    const config = loadConfig({ DATA_DIR: dataDir(), BRIDGE_TOKEN: 'a-token-of-sixteen+', REDIS_URL: url });
    expect(config.redis).toEqual({ kind: 'options', options });
  });

  it('refuses an IMPORT_MODE_ORDER the import-mode settings would refuse, one line each', () => {
    expect(problems({ IMPORT_MODE_ORDER: 'smartSearch' })).toEqual(['IMPORT_MODE_ORDER: at least two queues']);
    expect(problems({ IMPORT_MODE_ORDER: 'smartSearch,backgroundTask' })).toEqual([
      'IMPORT_MODE_ORDER: Immich cannot pause backgroundTask',
    ]);
    expect(problems({ IMPORT_MODE_ORDER: 'ocr,smartSearch,ocr' })).toEqual([
      'IMPORT_MODE_ORDER: a queue appears twice',
    ]);
    expect(problems({ IMPORT_MODE_ORDER: 'ocr,no such queue,x y' })).toEqual([
      'IMPORT_MODE_ORDER: not a queue name (entry 2); not a queue name (entry 3)',
    ]);
    const config = loadConfig({
      DATA_DIR: dataDir(),
      BRIDGE_TOKEN: 'a-token-of-sixteen+',
      IMPORT_MODE_ORDER: 'metadataExtraction, smartSearch,',
    });
    expect(config.importMode.order).toEqual(['metadataExtraction', 'smartSearch']);
  });

  it('generates a token once, stores it privately, and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.tokenGenerated).toBe(true);
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'bridge-token'), 'utf8').trim()).toBe(first.token);
    expect(statSync(join(dir, 'bridge-token')).mode & 0o777).toBe(0o600);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second).toMatchObject({ token: first.token, tokenGenerated: false });
  });
});

describe('loadConfig: alerts and metrics', () => {
  it('names a bad notifier URL, half an email setup and a short secret', () => {
    expect(problems({ NOTIFY_URLS: 'discord://1/a,ftp://x.example/y' })).toEqual([
      'NOTIFY_URLS: "ftp://" is not a notifier (discord, slack, ntfy, gotify, webhook, https)',
    ]);
    expect(problems({ SMTP_URL: 'smtp://mail.example:25' })).toEqual([
      'ALERT_EMAIL_TO: missing; email alerts need both SMTP_URL and ALERT_EMAIL_TO',
    ]);
    expect(problems({ WEBHOOK_SECRET: 'short', ALERT_COOLDOWN_MINUTES: 'soon' }).map((p) => p.split(':')[0])).toEqual([
      'WEBHOOK_SECRET',
      'ALERT_COOLDOWN_MINUTES',
    ]);
  });

  it('links alerts to IMMICH_PUBLIC_URL, else to IMMICH_API_URL without /api', () => {
    const base = { DATA_DIR: dataDir(), BRIDGE_TOKEN: 'a-token-of-sixteen+', IMMICH_API_KEY: 'k' };
    expect(loadConfig({ ...base, IMMICH_API_URL: 'http://immich:2283/api' }).alerts.immichUrl).toBe(
      'http://immich:2283',
    );
    expect(
      loadConfig({ ...base, IMMICH_API_URL: 'http://immich:2283', IMMICH_PUBLIC_URL: 'https://photos.example/' }).alerts
        .immichUrl,
    ).toBe('https://photos.example');
  });
});

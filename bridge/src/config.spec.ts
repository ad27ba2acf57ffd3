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

// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config from '../../wxt.config.ts';

const listing = readFileSync(new URL('./listing.md', import.meta.url), 'utf8');
const section = (title: string) => new RegExp(`## ${title}\\n\\n([^#]+)`).exec(listing)![1]!.trim();
type ManifestFn = (env: { browser: string; manifestVersion: 2 | 3; mode: string }) => { description: string };

describe('store listing and manifest', () => {
  it('uses the store’s short description in the manifest, within Chrome’s 132 characters', () => {
    for (const [browser, manifestVersion] of [
      ['chrome', 3],
      ['firefox', 2],
    ] as const) {
      const manifest = (config.manifest as ManifestFn)({ browser, manifestVersion, mode: 'production' });
      expect(manifest.description).toBe(section('Short description'));
    }
    expect(section('Short description').length).toBeLessThanOrEqual(132);
  });

  it('has an icon at every size the browsers and stores show', () => {
    // WXT puts every public/icon/<size>.png into the manifest's icons.
    for (const size of [16, 24, 32, 48, 64, 96, 128]) {
      expect(existsSync(new URL(`../public/icon/${size}.png`, import.meta.url)), `${size}.png`).toBe(true);
    }
  });

  it('takes the version from package.json (WXT’s default), not a second copy in the config', () => {
    expect(readFileSync(new URL('../../wxt.config.ts', import.meta.url), 'utf8')).not.toMatch(/\bversion:/);
  });
});

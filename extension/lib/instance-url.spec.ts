import { describe, expect, it } from 'vitest';
import { instanceOrigins, jobsPageUrl, normaliseBridgeUrl, normaliseImmichUrl, originPattern } from './instance-url.ts';

describe('instance URLs', () => {
  it('reduces a pasted Immich page URL to its origin', () => {
    expect(normaliseImmichUrl(' https://Photos.Example.com/admin/queues/ ')).toEqual({
      ok: true,
      url: 'https://photos.example.com',
    });
    expect(normaliseImmichUrl('http://192.168.1.5:2283/')).toEqual({ ok: true, url: 'http://192.168.1.5:2283' });
  });

  it('refuses URLs without scheme, with other schemes, credentials, queries or fragments', () => {
    expect(normaliseImmichUrl('photos.example.com')).toMatchObject({
      ok: false,
      error: expect.stringContaining('http'),
    });
    expect(normaliseImmichUrl('ftp://photos.example.com')).toMatchObject({ ok: false });
    expect(normaliseImmichUrl('https://user:pw@photos.example.com')).toMatchObject({ ok: false });
    expect(normaliseBridgeUrl('http://bridge:2285/?token=1')).toMatchObject({ ok: false });
    expect(normaliseBridgeUrl('http://bridge:2285/#x')).toMatchObject({ ok: false });
    expect(normaliseBridgeUrl('')).toMatchObject({ ok: false });
  });

  it('keeps a bridge path prefix but drops a trailing /api and slashes', () => {
    expect(normaliseBridgeUrl('http://nas:2285/api/')).toEqual({ ok: true, url: 'http://nas:2285' });
    expect(normaliseBridgeUrl('https://example.com/iat-bridge/')).toEqual({
      ok: true,
      url: 'https://example.com/iat-bridge',
    });
    expect(normaliseBridgeUrl('http://nas:2285/api/status')).toMatchObject({ ok: false });
  });

  it('builds port-less match patterns and page links', () => {
    expect(originPattern('http://nas:2285/x')).toBe('http://nas/*');
    expect(instanceOrigins({ immichUrl: 'http://nas:2283', bridgeUrl: 'http://nas:2285' })).toEqual(['http://nas/*']);
    expect(jobsPageUrl('https://p.example', 'face-detection')).toBe('https://p.example/admin/queues/face-detection');
    expect(jobsPageUrl('https://p.example')).toBe('https://p.example/admin/queues');
  });

  it("asks access to Immich's origin only for an instance without a bridge", () => {
    expect(instanceOrigins({ immichUrl: 'https://photos.example', bridgeUrl: '' })).toEqual([
      'https://photos.example/*',
    ]);
    expect(instanceOrigins({ immichUrl: 'https://photos.example', bridgeUrl: 'http://nas:2285' })).toEqual([
      'https://photos.example/*',
      'http://nas/*',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { validateDraft } from './options-state.svelte.ts';

describe('instance form validation', () => {
  it('normalises both URLs, trims the token and names the instance after its host', () => {
    expect(
      validateDraft({
        id: null,
        name: ' ',
        immichUrl: 'https://photos.example.com/admin/queues',
        bridgeUrl: 'http://nas.lan:2285/api',
        token: '  tok-123  ',
      }),
    ).toEqual({
      instance: {
        name: 'photos.example.com',
        immichUrl: 'https://photos.example.com',
        bridgeUrl: 'http://nas.lan:2285',
        token: 'tok-123',
      },
    });
  });

  it('lists every field that is wrong', () => {
    expect(validateDraft({ id: null, name: 'x', immichUrl: 'photos', bridgeUrl: 'ftp://nas', token: '' })).toEqual({
      errors: {
        immichUrl: expect.stringContaining('http'),
        bridgeUrl: expect.stringContaining('http'),
        token: expect.stringContaining('BRIDGE_TOKEN'),
      },
    });
  });

  it("takes an instance without a bridge (no URL, no token): it then uses Immich's own API", () => {
    expect(
      validateDraft({ id: null, name: '', immichUrl: 'https://photos.example.com/', bridgeUrl: ' ', token: '' }),
    ).toEqual({
      instance: { name: 'photos.example.com', immichUrl: 'https://photos.example.com', bridgeUrl: '', token: '' },
    });
  });

  it('asks for the bridge URL of a token given without one', () => {
    expect(
      validateDraft({ id: null, name: 'x', immichUrl: 'https://photos.example.com', bridgeUrl: '', token: 'tok' }),
    ).toEqual({ errors: { bridgeUrl: expect.stringMatching(/bridge's URL for this token, or clear the token/) } });
  });
});

import { describe, expect, it } from 'vitest';
import { redactJobHash, redactText, redactValue } from '../src/inspect/redact.ts';

describe('inspector redaction', () => {
  it('redacts secret-named keys at any depth and keeps the rest', () => {
    const { value, redacted } = redactValue({
      id: 'a1',
      nested: { Password: 'p', apiKey: 'k', api_key: 'k', authorization: 'x', list: [{ sessionToken: 't' }] },
      count: 3,
    });
    expect(redacted).toBe(true);
    expect(value).toEqual({
      id: 'a1',
      nested: {
        Password: '[redacted]',
        apiKey: '[redacted]',
        api_key: '[redacted]',
        authorization: '[redacted]',
        list: [{ sessionToken: '[redacted]' }],
      },
      count: 3,
    });
  });

  it('redacts secret-looking values in free text and in JSON held in strings', () => {
    expect(redactText('failed: Bearer abc.def-ghi_jkl123').value).toBe('failed: Bearer [redacted]');
    expect(redactText('redis://user:hunter2@host:6379/0').value).toBe('redis://[redacted]@host:6379/0');
    expect(redactText('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop').value).toBe('[redacted]');
    expect(JSON.parse(redactText('{"id":"x","token":"t"}').value)).toEqual({ id: 'x', token: '[redacted]' });
    expect(redactText('{"id":"x"}')).toEqual({ value: '{"id":"x"}', redacted: false });
    expect(redactText('{not json, password=1')).toEqual({ value: '{not json, password=1', redacted: false });
  });

  it('drops the data and return value of mail jobs whole', () => {
    const { hash, redacted } = redactJobHash({
      name: 'NotifyUserSignup',
      data: '{"id":"u1","password":"p"}',
      returnvalue: '"sent to a@b.c"',
      timestamp: '1',
    });
    expect(hash.data).not.toContain('u1');
    expect(hash.returnvalue).not.toContain('a@b.c');
    expect(hash.timestamp).toBe('1');
    expect(redacted.sort()).toEqual(['data', 'returnvalue']);
  });
});

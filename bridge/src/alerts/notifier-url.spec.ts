import { describe, expect, it } from 'vitest';
import { maskUrl, parseNotifierUrl, parseNotifierUrls } from './notifier-url.ts';

describe('notifier URLs', () => {
  it('expands the platform shorthands', () => {
    expect(parseNotifierUrl('discord://123456/tok-EN_x')).toEqual({
      kind: 'discord',
      minSeverity: 'info',
      url: 'https://discord.com/api/webhooks/123456/tok-EN_x',
    });
    expect(parseNotifierUrl('slack://T0001/B0002/SeCrEt').url).toBe(
      'https://hooks.slack.com/services/T0001/B0002/SeCrEt',
    );
    expect(parseNotifierUrl('ntfy://tk_abc@ntfy.example.com/immich')).toEqual({
      kind: 'ntfy',
      minSeverity: 'info',
      url: 'https://ntfy.example.com/immich',
      token: 'tk_abc',
    });
    expect(parseNotifierUrl('gotify://AppTok@gotify.example.com:8443/sub')).toEqual({
      kind: 'gotify',
      minSeverity: 'info',
      url: 'https://gotify.example.com:8443/sub/message',
      token: 'AppTok',
    });
  });

  it('posts a kind to any URL with kind+http(s), and takes user:password for ntfy', () => {
    expect(parseNotifierUrl('discord+http://127.0.0.1:9000/hook').url).toBe('http://127.0.0.1:9000/hook');
    const ntfy = parseNotifierUrl('ntfy+http://me:p%40ss@127.0.0.1:9000/topic');
    expect(ntfy.basicAuth).toBe(Buffer.from('me:p@ss').toString('base64'));
    expect(ntfy.url).toBe('http://127.0.0.1:9000/topic');
  });

  it('treats plain and webhook+ URLs as JSON webhooks and takes ?severity off every URL', () => {
    expect(parseNotifierUrl('https://hooks.example.com/in?severity=critical&a=1')).toEqual({
      kind: 'webhook',
      minSeverity: 'critical',
      url: 'https://hooks.example.com/in?a=1',
    });
    expect(parseNotifierUrl('webhook+http://10.0.0.2/x').url).toBe('http://10.0.0.2/x');
  });

  it('numbers ids when a kind repeats and adds email from SMTP_URL', () => {
    const specs = parseNotifierUrls(['discord://1/a', ' https://a.example/x ', 'discord://2/b', ''], {
      smtpUrl: 'smtp://u:p@mail.example:587?severity=warning',
      to: ['admin@example.com'],
    });
    expect(specs.map((s) => s.id)).toEqual(['discord-1', 'webhook', 'discord-2', 'email']);
    expect(specs[3]).toMatchObject({
      kind: 'email',
      minSeverity: 'warning',
      url: 'smtp://u:p@mail.example:587',
      to: ['admin@example.com'],
    });
  });

  it('refuses what it cannot send to, naming the problem', () => {
    expect(() => parseNotifierUrl('ftp://example.com/x')).toThrow(/not a notifier/);
    expect(() => parseNotifierUrl('discord://not-an-id/x')).toThrow(/webhook id/);
    expect(() => parseNotifierUrl('gotify://gotify.example.com')).toThrow(/app token/);
    expect(() => parseNotifierUrl('ntfy://ntfy.example.com')).toThrow(/topic/);
    expect(() => parseNotifierUrl('https://x.example/?severity=loud')).toThrow(/severity=loud/);
    expect(() => parseNotifierUrl('discord+ftp://x.example/')).toThrow(/\+http/);
    expect(() => parseNotifierUrl('hooks.example.com/x')).toThrow(/not a URL/);
  });

  it('masks everything after the host but the last 4 characters', () => {
    const masked = maskUrl('https://discord.com/api/webhooks/123/verysecrettoken');
    expect(masked).toBe('https://discord.com/••••oken');
    expect(maskUrl('ntfy://tk_secret@ntfy.sh/topic')).not.toContain('tk_secret');
  });
});

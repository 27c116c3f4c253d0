import { ConfigError, parseOrigins } from '@app/config';
import { TAB_MESSAGES } from './tab-messages';
import { contentSecurityPolicy, jsonForScript, pickLocale, renderTabPage, TAB_NAMES } from './tab-page';

describe('embedded tabs: the page shell', () => {
  it.each([
    ['en', undefined, 'en'],
    ['zh-CN', 'en-US,en;q=0.9', 'zh-CN'],
    [undefined, 'en-US,en;q=0.9', 'en'],
    [undefined, 'zh-TW', 'zh-CN'],
    [undefined, undefined, 'zh-CN'],
    ['fr', 'en', 'en'],
  ])('?lang=%s with Accept-Language %s speaks %s', (lang, accept, expected) => {
    expect(pickLocale(lang, accept)).toBe(expected);
  });

  it('may be framed only by this origin and the configured CRM origins, and loads nothing from elsewhere', () => {
    const csp = contentSecurityPolicy(['https://crm.example.com', 'http://localhost:3001']);
    expect(csp).toContain("frame-ancestors 'self' https://crm.example.com http://localhost:3001");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(contentSecurityPolicy([])).toContain("frame-ancestors 'self'");
  });

  it('carries no data: only its language, the tab name, the CRM origins and the words', () => {
    for (const tab of TAB_NAMES) {
      const html = renderTabPage({
        tab,
        locale: 'en',
        crmOrigins: ['https://crm.example.com'],
        assetVersion: 'v1',
      });
      expect(html).toContain('<html lang="en">');
      expect(html).toContain(`assets/${tab}.js?v=v1`);
      expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline code (the CSP forbids it anyway)
      const json = /<script type="application\/json" id="kam-config">(.*?)<\/script>/s.exec(html)![1];
      expect(Object.keys(JSON.parse(json)).sort()).toEqual(['lang', 'messages', 'origins', 'tab']);
    }
  });

  it('has every word in both languages', () => {
    for (const [key, m] of Object.entries(TAB_MESSAGES)) {
      expect({ key, zh: m.zh.length > 0, en: m.en.length > 0 }).toEqual({ key, zh: true, en: true });
    }
  });

  it('escapes JSON so that it cannot close its script element', () => {
    expect(jsonForScript({ a: '</script><script>alert(1)</script>' })).not.toContain('<');
  });

  it.each([
    ['', []],
    ['https://crm.example.com', ['https://crm.example.com']],
    [
      ' https://crm.example.com/ , http://localhost:3001 ',
      ['https://crm.example.com', 'http://localhost:3001'],
    ],
  ])('KAM_CRM_ORIGINS=%j is read as %j', (raw, expected) => {
    expect(parseOrigins(raw)).toEqual(expected);
  });

  it.each(['crm.example.com', 'https://crm.example.com/app', 'ftp://crm.example.com', '*'])(
    'KAM_CRM_ORIGINS=%j stops the gateway with a message naming the variable',
    (raw) => {
      expect(() => parseOrigins(raw)).toThrow(ConfigError);
      expect(() => parseOrigins(raw)).toThrow(/KAM_CRM_ORIGINS/);
    },
  );
});

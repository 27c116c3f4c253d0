import { localeOf } from './locale';

describe('the language of error messages, from Accept-Language', () => {
  it.each([
    ['a caller who says nothing gets Chinese', undefined, 'zh-CN'],
    ['an empty header gets Chinese', '', 'zh-CN'],
    ['a Chinese browser gets Chinese', 'zh-CN', 'zh-CN'],
    ['plain "zh" gets Chinese', 'zh', 'zh-CN'],
    ['a Taiwan or Hong Kong browser still gets (simplified) Chinese', 'zh-TW', 'zh-CN'],
    ['an English browser gets English', 'en', 'en'],
    ['an American browser gets English', 'en-US', 'en'],
    ['a British browser, written in upper case, gets English', 'EN-GB', 'en'],
    ['a typical Chinese browser header gets Chinese', 'zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['a typical English browser header gets English', 'en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['English preferred by q-value even when listed second', 'zh-CN;q=0.5, en;q=0.8', 'en'],
    ['Chinese preferred by q-value even when listed second', 'en;q=0.3,zh;q=0.7', 'zh-CN'],
    ['a language without q counts as q=1', 'zh;q=0.9, en', 'en'],
    ['spaces around parameters are allowed', 'zh ; q=0.2 , en ; q=0.6', 'en'],
    ['a language marked q=0 is never chosen', 'en;q=0, fr', 'zh-CN'],
    ['an unsupported language falls back to Chinese', 'fr-FR', 'zh-CN'],
    ['a wildcard falls back to Chinese', '*', 'zh-CN'],
    ['unsupported languages are skipped for the first supported one', 'fr-FR, de;q=0.9, en;q=0.5', 'en'],
    ['on equal q the first listed wins (English)', 'en;q=0.8, zh;q=0.8', 'en'],
    ['on equal q the first listed wins (Chinese)', 'zh, en', 'zh-CN'],
    ['an unreadable q-value counts as 0', 'en;q=high, zh;q=0.1', 'zh-CN'],
  ])('%s', (_name, header, locale) => {
    expect(localeOf(header)).toBe(locale);
  });
});

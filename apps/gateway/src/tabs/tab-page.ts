import { localeOf } from '../problem/locale';
import { messagesFor, TabLocale } from './tab-messages';

/**
 * The HTML of the embedded tabs (issue 7): a shell without data. The scripts read the token from the CRM
 * (postMessage or a `#token=` fragment), then load everything from the REST API with `Authorization`.
 */
export const TAB_NAMES = ['account', 'performance', 'documents', 'today'] as const;
export type TabName = (typeof TAB_NAMES)[number];

/** `?lang=` wins over Accept-Language; Chinese when neither says. */
export function pickLocale(lang: string | undefined, acceptLanguage: string | undefined): TabLocale {
  if (lang) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return localeOf(acceptLanguage);
}

/**
 * The pages' Content-Security-Policy: scripts, styles and API calls from this origin only (no inline code, no
 * CDN), and framing only by this origin and the configured CRM origins.
 */
export function contentSecurityPolicy(crmOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors ${["'self'", ...crmOrigins].join(' ')}`,
  ].join('; ');
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON safe inside a `<script type="application/json">`: no `</script>`, no HTML comment openers. */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

export interface TabPageOptions {
  tab: TabName;
  locale: TabLocale;
  crmOrigins: readonly string[];
  /** Cache-busting version of the assets (a hash of their content). */
  assetVersion: string;
}

export function renderTabPage({ tab, locale, crmOrigins, assetVersion }: TabPageOptions): string {
  const m = messagesFor(locale);
  const v = encodeURIComponent(assetVersion);
  const other: TabLocale = locale === 'en' ? 'zh-CN' : 'en';
  const nav = TAB_NAMES.map(
    (name) =>
      `<a href="${name}?lang=${locale}"${name === tab ? ' aria-current="page"' : ''}>${escapeHtml(m[`nav.${name}`])}</a>`,
  ).join('');
  const config = { tab, lang: locale, origins: crmOrigins, messages: m };
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(`${m[`nav.${tab}`]} · ${m['app.title']}`)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/tabs.css?v=${v}">
<script type="application/json" id="kam-config">${jsonForScript(config)}</script>
<script src="assets/tabs.js?v=${v}" defer></script>
<script src="assets/${tab}.js?v=${v}" defer></script>
</head>
<body data-tab="${tab}" data-state="loading">
<a class="skip" href="#main">${escapeHtml(m['skip.main'])}</a>
<header class="bar">
<nav aria-label="${escapeHtml(m['nav.label'])}">${nav}</nav>
<a class="lang" href="${tab}?lang=${other}" hreflang="${other}" lang="${other}" data-keep-query>${escapeHtml(m['lang.switch'])}</a>
</header>
<main id="main" tabindex="-1">
<p class="muted" role="status" id="kam-status">${escapeHtml(m.loading)}</p>
<div id="kam-app"></div>
</main>
</body>
</html>
`;
}

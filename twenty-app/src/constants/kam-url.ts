/**
 * Where KAM's gateway serves the tabs, as the users' browsers reach it. Edit before `twenty app sync`: Twenty's
 * IFRAME widget takes a fixed URL. The gateway must list this Twenty's origin in KAM_CRM_ORIGINS, or the browser
 * refuses to show the tabs inside it (CSP frame-ancestors).
 */
export const KAM_BASE_URL = 'https://kam.example.com';

/** A tab's URL; `lang` is zh-CN or en (without it the tab follows the browser's Accept-Language). */
export const kamTabUrl = (
  tab: 'account' | 'performance' | 'documents' | 'today',
  lang?: 'zh-CN' | 'en',
): string => `${KAM_BASE_URL}/tabs/${tab}${lang ? `?lang=${lang}` : ''}`;

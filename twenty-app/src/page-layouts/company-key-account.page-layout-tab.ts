import {
  definePageLayoutTab,
  PageLayoutTabLayoutMode,
  STANDARD_PAGE_LAYOUT_UNIVERSAL_IDENTIFIERS,
} from 'twenty-sdk/define';

import { kamTabUrl } from '../constants/kam-url';
import {
  COMPANY_KEY_ACCOUNT_TAB_UNIVERSAL_IDENTIFIER,
  COMPANY_KEY_ACCOUNT_WIDGET_UNIVERSAL_IDENTIFIER,
} from '../constants/universal-identifiers';

// "大客户 / Key account" on every Company record page: KAM's account tab in an IFRAME widget. The widget passes
// no record id, so the tab opens on its company picker (search by name).
export default definePageLayoutTab({
  universalIdentifier: COMPANY_KEY_ACCOUNT_TAB_UNIVERSAL_IDENTIFIER,
  pageLayoutUniversalIdentifier:
    STANDARD_PAGE_LAYOUT_UNIVERSAL_IDENTIFIERS.companyRecordPage.universalIdentifier,
  title: '大客户 Key account',
  position: 15,
  icon: 'IconCrown',
  layoutMode: PageLayoutTabLayoutMode.CANVAS,
  widgets: [
    {
      universalIdentifier: COMPANY_KEY_ACCOUNT_WIDGET_UNIVERSAL_IDENTIFIER,
      title: 'KAM',
      type: 'IFRAME',
      configuration: { configurationType: 'IFRAME', url: kamTabUrl('account') },
    },
  ],
});

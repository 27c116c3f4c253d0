import {
  definePageLayoutTab,
  PageLayoutTabLayoutMode,
  STANDARD_PAGE_LAYOUT_UNIVERSAL_IDENTIFIERS,
} from 'twenty-sdk/define';

import { kamTabUrl } from '../constants/kam-url';
import {
  COMPANY_DOCUMENTS_TAB_UNIVERSAL_IDENTIFIER,
  COMPANY_DOCUMENTS_WIDGET_UNIVERSAL_IDENTIFIER,
} from '../constants/universal-identifiers';

// "档案文档 / Documents" on every Company record page: the classified archive, uploads and watermarked downloads.
export default definePageLayoutTab({
  universalIdentifier: COMPANY_DOCUMENTS_TAB_UNIVERSAL_IDENTIFIER,
  pageLayoutUniversalIdentifier:
    STANDARD_PAGE_LAYOUT_UNIVERSAL_IDENTIFIERS.companyRecordPage.universalIdentifier,
  title: '档案文档 Documents',
  position: 16,
  icon: 'IconLock',
  layoutMode: PageLayoutTabLayoutMode.CANVAS,
  widgets: [
    {
      universalIdentifier: COMPANY_DOCUMENTS_WIDGET_UNIVERSAL_IDENTIFIER,
      title: 'KAM documents',
      type: 'IFRAME',
      configuration: { configurationType: 'IFRAME', url: kamTabUrl('documents') },
    },
  ],
});

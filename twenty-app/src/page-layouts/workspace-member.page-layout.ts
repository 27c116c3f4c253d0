import {
  definePageLayout,
  PageLayoutTabLayoutMode,
  STANDARD_OBJECT_UNIVERSAL_IDENTIFIERS,
} from 'twenty-sdk/define';

import { kamTabUrl } from '../constants/kam-url';
import {
  MEMBER_PAGE_LAYOUT_UNIVERSAL_IDENTIFIER,
  MEMBER_PERFORMANCE_TAB_UNIVERSAL_IDENTIFIER,
  MEMBER_PERFORMANCE_WIDGET_UNIVERSAL_IDENTIFIER,
  MEMBER_TODAY_TAB_UNIVERSAL_IDENTIFIER,
  MEMBER_TODAY_WIDGET_UNIVERSAL_IDENTIFIER,
} from '../constants/universal-identifiers';

// The workspace member's page: "今日工作 / My work today" and "绩效 / Performance". The SDK version read ships no
// standard record page for workspace members (STANDARD_PAGE_LAYOUT_UNIVERSAL_IDENTIFIERS has none), so the app
// declares the whole layout. Both tabs show the signed-in member's own work, whichever member page is open.
export default definePageLayout({
  universalIdentifier: MEMBER_PAGE_LAYOUT_UNIVERSAL_IDENTIFIER,
  name: 'KAM member page',
  type: 'RECORD_PAGE',
  objectUniversalIdentifier: STANDARD_OBJECT_UNIVERSAL_IDENTIFIERS.workspaceMember.universalIdentifier,
  tabs: [
    {
      universalIdentifier: MEMBER_TODAY_TAB_UNIVERSAL_IDENTIFIER,
      title: '今日工作 My work today',
      position: 10,
      icon: 'IconChecklist',
      layoutMode: PageLayoutTabLayoutMode.CANVAS,
      widgets: [
        {
          universalIdentifier: MEMBER_TODAY_WIDGET_UNIVERSAL_IDENTIFIER,
          title: 'KAM today',
          type: 'IFRAME',
          configuration: { configurationType: 'IFRAME', url: kamTabUrl('today') },
        },
      ],
    },
    {
      universalIdentifier: MEMBER_PERFORMANCE_TAB_UNIVERSAL_IDENTIFIER,
      title: '绩效 Performance',
      position: 20,
      icon: 'IconChartLine',
      layoutMode: PageLayoutTabLayoutMode.CANVAS,
      widgets: [
        {
          universalIdentifier: MEMBER_PERFORMANCE_WIDGET_UNIVERSAL_IDENTIFIER,
          title: 'KAM performance',
          type: 'IFRAME',
          configuration: { configurationType: 'IFRAME', url: kamTabUrl('performance') },
        },
      ],
    },
  ],
});

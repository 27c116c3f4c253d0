import { defineApplication } from 'twenty-sdk/define';

import { KAM_BASE_URL } from './constants/kam-url';
import {
  APPLICATION_UNIVERSAL_IDENTIFIER,
  KAM_BASE_URL_VARIABLE_UNIVERSAL_IDENTIFIER,
} from './constants/universal-identifiers';

export default defineApplication({
  universalIdentifier: APPLICATION_UNIVERSAL_IDENTIFIER,
  displayName: 'KAM 大客户管理',
  description:
    'Key-account management inside Twenty: the account, documents, performance and "my work today" tabs ' +
    'served by the KAM gateway, on the Company and workspace-member pages.',
  applicationVariables: {
    KAM_BASE_URL: {
      universalIdentifier: KAM_BASE_URL_VARIABLE_UNIVERSAL_IDENTIFIER,
      description: "The KAM gateway's public URL (the tabs are served under /tabs)",
      value: KAM_BASE_URL,
      isSecret: false,
    },
  },
});

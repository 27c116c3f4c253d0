import { Role } from '@app/contracts';
import { keyRolesWithin } from './api-key-rules';

describe('what an API key may carry: never more than the member who makes it', () => {
  it.each([
    ['the admin may mint an integration key (the admin role alone)', ['admin'], ['admin'], []],
    [
      'the admin may not mint a key that reads pay or finances',
      ['admin'],
      ['director', 'executive'],
      ['director', 'executive'],
    ],
    ['the admin may not mint an account manager key', ['admin'], ['account_manager'], ['account_manager']],
    ['a director may mint a director key for their BI tool', ['director'], ['director'], []],
    ['a director may not mint an executive key', ['director'], ['executive'], ['executive']],
    [
      'a member with two roles may mint a key with one of them',
      ['account_manager', 'customer_service'],
      ['customer_service'],
      [],
    ],
    ['a role asked twice is named once', ['clerk'], ['executive', 'executive'], ['executive']],
    [
      'a security officer may mint a key to pull the access log',
      ['security_officer'],
      ['security_officer'],
      [],
    ],
  ] as [string, Role[], Role[], Role[]][])('%s', (_name, creator, key, beyond) => {
    expect(keyRolesWithin(creator, key)).toEqual(beyond);
  });
});

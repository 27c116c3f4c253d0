import { subject } from '@casl/ability';
import { Role } from '@app/contracts';
import { defineDocumentAbilityFor } from './document-rules';
import { KamAbility } from './ability';

const me = 'm-1';
const ability = (roles: Role[], relatedAccountIds: string[] = []) =>
  defineDocumentAbilityFor({
    actor: { workspaceId: 'w', memberId: me, roles, requestId: 'r' },
    teamIds: ['t-1'],
    ledTeamIds: [],
    relatedAccountIds,
  });
const doc = (classification: string, extra: Record<string, unknown> = {}) =>
  subject('Document', { ownerId: 'someone', classification, accountId: 'a-9', ...extra }) as Parameters<
    KamAbility['can']
  >[1];

describe('who reads a document, by classification (DESIGN §4)', () => {
  it.each<[Role, string, boolean]>([
    ['security_officer', 'public', true],
    ['admin', 'public', true],
    ['admin', 'internal', false],
    ['security_officer', 'internal', false],
    ['market_researcher', 'internal', true],
    ['customer_service', 'confidential', false],
    ['clerk', 'confidential', true],
    ['deputy_director', 'confidential', true],
    ['deputy_director', 'secret', false],
    ['executive', 'secret', true],
    ['director', 'secret', true],
    ['account_manager', 'secret', false],
  ])('%s reads a %s document: %s', (role, classification, expected) => {
    expect(ability([role]).can('read', doc(classification))).toBe(expected);
  });

  it('the owner of a confidential document and the staff of its account read it', () => {
    expect(ability(['account_manager']).can('read', doc('confidential', { ownerId: me }))).toBe(true);
    expect(ability(['assistant_account_manager'], ['a-9']).can('read', doc('confidential'))).toBe(true);
    expect(ability(['group_leader'], ['a-1']).can('read', doc('confidential'))).toBe(false);
  });

  it('a grant to the member, one of their teams or roles opens a secret document', () => {
    expect(ability(['account_manager']).can('read', doc('secret', { grantMemberIds: [me] }))).toBe(true);
    expect(ability(['account_manager']).can('read', doc('secret', { grantTeamIds: ['t-1'] }))).toBe(true);
    expect(ability(['clerk']).can('read', doc('secret', { grantRoles: ['clerk'] }))).toBe(true);
    expect(ability(['clerk']).can('read', doc('secret', { grantRoles: ['director'] }))).toBe(false);
  });

  it('executives only read; the owner changes their own non-secret documents', () => {
    expect(ability(['executive']).can('create', 'Document')).toBe(false);
    expect(ability(['clerk']).can('create', 'Document')).toBe(true);
    expect(ability(['account_manager']).can('update', doc('internal', { ownerId: me }))).toBe(true);
    expect(ability(['account_manager']).can('update', doc('secret', { ownerId: me }))).toBe(false);
    expect(ability(['deputy_director']).can('update', doc('secret'))).toBe(false);
  });
});

describe('who approves bulk exports, publishes policies and acknowledges them (issue 6)', () => {
  it.each<[Role, boolean, boolean, boolean]>([
    ['director', true, true, true],
    ['deputy_director', false, false, true],
    ['executive', true, false, true],
    ['account_manager', false, false, true],
    ['clerk', false, false, true],
    ['security_officer', false, false, false],
    ['admin', false, false, false],
  ])('%s: approves exports %s, publishes policies %s, acknowledges %s', (role, approve, publish, ack) => {
    const a = ability([role]);
    expect([
      a.can('approve', 'Document'),
      a.can('publish', 'Document'),
      a.can('acknowledge', 'Document'),
    ]).toEqual([approve, publish, ack]);
  });
});

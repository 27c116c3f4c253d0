import { Role } from '@app/contracts';
import { defineAbilityFor } from './ability';
import {
  accessibleWhere,
  accessibleWherePositional,
  arrayColumn,
  column,
  FieldMap,
  PositionalSqlCondition,
  SqlCondition,
  via,
} from './sql';
import { Action } from './subjects';

/** The same shape as the account service's map over `accounts a`. */
const FIELDS: FieldMap = {
  ownerId: column('a.owner_id'),
  status: column('a.status'),
  serviceTeamId: column('a.service_team_id'),
  assistantIds: arrayColumn('a.assistant_ids'),
  ownerTeamId: via('a.owner_id', (cond) => `SELECT m.id FROM members m WHERE m.${cond}`, 'team_id'),
};

const ME = '11111111-1111-4111-8111-111111111111';
const SERVICE_TEAM = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const LED_TEAM = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

function abilityOf(roles: Role[], teamIds: string[] = [SERVICE_TEAM], ledTeamIds: string[] = [LED_TEAM]) {
  return defineAbilityFor({
    actor: { workspaceId: 'ws-1', memberId: ME, roles, requestId: 'req-1' },
    teamIds,
    ledTeamIds,
  });
}

const TEAM_OWNED = 'a.owner_id IN (SELECT m.id FROM members m WHERE m.team_id = ANY(:authz_1))';

describe('which accounts a list query may return (record-level rules pushed into SQL)', () => {
  it.each([
    ['a security officer reads no account at all', ['security_officer'], 'read'],
    ['an admin reads no account at all', ['admin'], 'read'],
    ['a member with no role reads no account at all', [], 'read'],
    ['a market researcher updates no account at all', ['market_researcher'], 'update'],
    ['a clerk updates no account at all', ['clerk'], 'update'],
    ['an executive updates no account at all', ['executive'], 'update'],
    ['a customer service agent updates no account at all', ['customer_service'], 'update'],
    ['an assistant account manager deletes no account at all', ['assistant_account_manager'], 'delete'],
  ] as [string, Role[], Action][])('%s (no condition: the caller gets 403)', (_name, roles, action) => {
    expect(accessibleWhere(abilityOf(roles), action, 'Account', FIELDS)).toBeNull();
  });

  it.each([
    ['a director reads every account', ['director'], 'read'],
    ['a deputy director updates every account', ['deputy_director'], 'update'],
    ['an executive reads every account', ['executive'], 'read'],
    ['a clerk reads every account (basic fields)', ['clerk'], 'read'],
    ['a market researcher reads every account (basic fields)', ['market_researcher'], 'read'],
    ['an account manager who is also director reads every account', ['account_manager', 'director'], 'read'],
  ] as [string, Role[], Action][])('%s (TRUE, no parameters)', (_name, roles, action) => {
    expect(accessibleWhere(abilityOf(roles), action, 'Account', FIELDS)).toEqual({ sql: 'TRUE', params: {} });
  });

  it.each([
    [
      'an account manager sees the accounts they own',
      abilityOf(['account_manager']),
      'read',
      { sql: '((a.owner_id = :authz_0))', params: { authz_0: ME } },
    ],
    [
      'an account manager updates the accounts they own',
      abilityOf(['account_manager']),
      'update',
      { sql: '((a.owner_id = :authz_0))', params: { authz_0: ME } },
    ],
    [
      'a group leader sees their own accounts and those owned by the team they lead',
      abilityOf(['group_leader']),
      'read',
      {
        sql: `((a.owner_id = :authz_0) OR (${TEAM_OWNED}))`,
        params: { authz_0: ME, authz_1: [LED_TEAM] },
      },
    ],
    [
      'a group leader who leads two teams sees the accounts of both',
      abilityOf(['group_leader'], [], [LED_TEAM, SERVICE_TEAM]),
      'read',
      {
        sql: `((a.owner_id = :authz_0) OR (${TEAM_OWNED}))`,
        params: { authz_0: ME, authz_1: [LED_TEAM, SERVICE_TEAM] },
      },
    ],
    [
      'a group leader who leads no team sees only their own accounts',
      abilityOf(['group_leader'], [], []),
      'read',
      { sql: '((a.owner_id = :authz_0) OR (FALSE))', params: { authz_0: ME } },
    ],
    [
      'an assistant account manager sees the accounts they assist on',
      abilityOf(['assistant_account_manager']),
      'read',
      { sql: '((:authz_0 = ANY(a.assistant_ids)))', params: { authz_0: ME } },
    ],
    [
      'an assistant account manager updates the accounts they assist on',
      abilityOf(['assistant_account_manager']),
      'update',
      { sql: '((:authz_0 = ANY(a.assistant_ids)))', params: { authz_0: ME } },
    ],
    [
      'a customer service agent sees the accounts their service team looks after',
      abilityOf(['customer_service']),
      'read',
      { sql: '((a.service_team_id = ANY(:authz_0)))', params: { authz_0: [SERVICE_TEAM] } },
    ],
    [
      'a customer service agent in no team sees no account',
      abilityOf(['customer_service'], []),
      'read',
      { sql: '((FALSE))', params: {} },
    ],
    [
      'an account manager who also does customer service sees both their own and their service team’s accounts',
      abilityOf(['account_manager', 'customer_service']),
      'read',
      {
        sql: '((a.service_team_id = ANY(:authz_0)) OR (a.owner_id = :authz_1))',
        params: { authz_0: [SERVICE_TEAM], authz_1: ME },
      },
    ],
    [
      'an account manager who also does customer service still updates only their own accounts',
      abilityOf(['account_manager', 'customer_service']),
      'update',
      { sql: '((a.owner_id = :authz_0))', params: { authz_0: ME } },
    ],
    [
      'an assistant who is also an account manager sees assisted and owned accounts',
      abilityOf(['assistant_account_manager', 'account_manager']),
      'read',
      {
        sql: '((a.owner_id = :authz_0) OR (:authz_1 = ANY(a.assistant_ids)))',
        params: { authz_0: ME, authz_1: ME },
      },
    ],
  ] as [string, ReturnType<typeof abilityOf>, Action, SqlCondition][])(
    '%s',
    (_name, ability, action, expected) => {
      expect(accessibleWhere(ability, action, 'Account', FIELDS)).toEqual(expected);
    },
  );

  it('a customer service agent in no team gets a condition that matches nothing', () => {
    const where = accessibleWhere(abilityOf(['customer_service'], []), 'read', 'Account', FIELDS);
    expect(where?.sql).toContain('FALSE');
    expect(where?.sql).not.toContain('TRUE');
  });

  it('a market researcher may create only prospects', () => {
    expect(accessibleWhere(abilityOf(['market_researcher']), 'create', 'Account', FIELDS)).toEqual({
      sql: '((a.status = :authz_0))',
      params: { authz_0: 'prospect' },
    });
  });

  it('parameter names use the prefix the caller gives, so two conditions can share one query', () => {
    expect(accessibleWhere(abilityOf(['group_leader']), 'read', 'Account', FIELDS, 'acl_')).toEqual({
      sql: '((a.owner_id = :acl_0) OR (a.owner_id IN (SELECT m.id FROM members m WHERE m.team_id = ANY(:acl_1))))',
      params: { acl_0: ME, acl_1: [LED_TEAM] },
    });
  });

  it('a rule on a field the SQL map does not know is refused, never silently dropped', () => {
    const { ownerTeamId: _dropped, ...withoutTeam } = FIELDS;
    expect(() => accessibleWhere(abilityOf(['group_leader']), 'read', 'Account', withoutTeam)).toThrow(
      'authz: condition field "ownerTeamId" has no SQL mapping',
    );
  });
});

describe('the same rules for a raw query with numbered parameters ($1, $2, …)', () => {
  it.each([
    ['a security officer reads no account at all', ['security_officer'], 2, null],
    ['a director reads every account', ['director'], 2, { sql: 'TRUE', values: [] }],
    [
      'an account manager sees the accounts they own, numbered after the id and workspace',
      ['account_manager'],
      2,
      { sql: '((a.owner_id = $3))', values: [ME] },
    ],
    [
      'a group leader sees their own and their team’s accounts, numbered from $1 when the query has none',
      ['group_leader'],
      0,
      {
        sql: '((a.owner_id = $1) OR (a.owner_id IN (SELECT m.id FROM members m WHERE m.team_id = ANY($2))))',
        values: [ME, [LED_TEAM]],
      },
    ],
    [
      'a customer service agent sees their service team’s accounts',
      ['customer_service'],
      5,
      { sql: '((a.service_team_id = ANY($6)))', values: [[SERVICE_TEAM]] },
    ],
    [
      'an assistant who is also an account manager sees assisted and owned accounts',
      ['assistant_account_manager', 'account_manager'],
      1,
      { sql: '((a.owner_id = $2) OR ($3 = ANY(a.assistant_ids)))', values: [ME, ME] },
    ],
  ] as [string, Role[], number, PositionalSqlCondition | null][])('%s', (_name, roles, offset, expected) => {
    expect(accessibleWherePositional(abilityOf(roles), 'read', 'Account', FIELDS, offset)).toEqual(expected);
  });

  it('a customer service agent in no team matches nothing and adds no parameter', () => {
    expect(
      accessibleWherePositional(abilityOf(['customer_service'], []), 'read', 'Account', FIELDS, 2),
    ).toEqual({
      sql: '((FALSE))',
      values: [],
    });
  });
});

import { Role } from '@app/contracts';
import { defineAbilityFor } from './ability';
import { redact } from './redact';
import { AccountSubject, ACCOUNT_ALL_FIELDS } from './subjects';

const ME = '11111111-1111-4111-8111-111111111111';
const COLLEAGUE = '22222222-2222-4222-8222-222222222222';
const SERVICE_TEAM = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const LED_TEAM = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const OTHER_TEAM = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';

function abilityOf(roles: Role[]) {
  return defineAbilityFor({
    actor: { workspaceId: 'ws-1', memberId: ME, roles, requestId: 'req-1' },
    teamIds: [SERVICE_TEAM],
    ledTeamIds: [LED_TEAM],
  });
}

/** An account as the API returns it (without `redacted`). */
function accountView(over: Partial<AccountSubject> = {}) {
  return {
    id: '33333333-3333-4333-8333-333333333333',
    workspaceId: 'ws-1',
    crmCompanyId: 'crm-42',
    name: '深圳华为技术有限公司',
    tier: 'gold',
    category: 'industry',
    status: 'active',
    industry: '通信设备',
    region: '华南',
    ownerId: COLLEAGUE,
    serviceTeamId: OTHER_TEAM,
    assistantIds: [] as string[],
    strategicPotential: false,
    qualification: { qualified: true, reasons: ['annual_purchase'] },
    evaluation: null,
    recommendedTier: null,
    serviceHandover: null,
    health: null,
    annualPurchase: { amountMinor: 150000000, currency: 'CNY' },
    profitContributionPct: 12.5,
    version: 3,
    createdAt: '2024-11-26T08:00:00.000Z',
    updatedAt: '2024-11-27T08:00:00.000Z',
    ...over,
  };
}

type Relation = 'own' | 'team' | 'service' | 'assisted' | 'other';
const RELATION: Record<Relation, Partial<AccountSubject>> = {
  own: { ownerId: ME },
  team: { ownerTeamId: LED_TEAM },
  service: { serviceTeamId: SERVICE_TEAM },
  assisted: { assistantIds: [ME] },
  other: {},
};

function redactFor(roles: Role[], relation: Relation) {
  const view = accountView(RELATION[relation]);
  const conditionView: AccountSubject = {
    ownerId: view.ownerId,
    ownerTeamId: OTHER_TEAM,
    serviceTeamId: view.serviceTeamId,
    assistantIds: view.assistantIds,
    status: view.status,
    ...RELATION[relation],
  };
  return { view, out: redact(abilityOf(roles), 'Account', view, conditionView) };
}

// The figures, and the qualification whose reasons would tell them apart.
const FINANCIAL = ['profitContributionPct', 'annualPurchase', 'qualification'];

describe('what a caller sees of a key account (field redaction)', () => {
  it.each([
    ['a director sees everything of any account', ['director'], 'other', []],
    ['a deputy director sees everything of any account', ['deputy_director'], 'other', []],
    ['an executive sees everything of any account', ['executive'], 'other', []],
    ['an account manager sees everything of an account they own', ['account_manager'], 'own', []],
    ['a group leader sees everything of an account owned by their team', ['group_leader'], 'team', []],
    [
      'an assistant account manager sees everything of an account they assist on',
      ['assistant_account_manager'],
      'assisted',
      [],
    ],
    [
      'a customer service agent does not see the financial figures',
      ['customer_service'],
      'service',
      FINANCIAL,
    ],
    ['a market researcher does not see the financial figures', ['market_researcher'], 'other', FINANCIAL],
    ['a clerk does not see the financial figures', ['clerk'], 'other', FINANCIAL],
    [
      'a clerk who is also the account manager sees the financial figures of their own account',
      ['clerk', 'account_manager'],
      'own',
      [],
    ],
    [
      "a clerk who is also an account manager does not see the financial figures of a colleague's account",
      ['clerk', 'account_manager'],
      'other',
      FINANCIAL,
    ],
    ['a security officer sees nothing of an account', ['security_officer'], 'own', [...ACCOUNT_ALL_FIELDS]],
    ['an admin sees nothing of an account', ['admin'], 'own', [...ACCOUNT_ALL_FIELDS]],
    [
      "an account manager sees nothing of a colleague's account",
      ['account_manager'],
      'other',
      [...ACCOUNT_ALL_FIELDS],
    ],
  ] as [string, Role[], Relation, string[]][])('%s', (_name, roles, relation, hidden) => {
    const { view, out } = redactFor(roles, relation);
    expect([...out.redacted].sort()).toEqual([...hidden].sort());
    for (const field of ACCOUNT_ALL_FIELDS) {
      const value = (out as Record<string, unknown>)[field];
      if (hidden.includes(field)) expect(value).toBeNull();
      else expect(value).toEqual(view[field]);
    }
  });

  it('only fields present on the record are nulled and listed', () => {
    const out = redact(
      abilityOf(['clerk']),
      'Account',
      { name: '深圳华为技术有限公司', annualPurchase: { amountMinor: 1, currency: 'CNY' } },
      { ownerId: COLLEAGUE },
    );
    expect(out).toEqual({ name: '深圳华为技术有限公司', annualPurchase: null, redacted: ['annualPurchase'] });
    expect('profitContributionPct' in out).toBe(false);
  });

  it('properties that are not account fields are passed through untouched', () => {
    const out = redact(abilityOf(['clerk']), 'Account', { name: 'A', note: 'kept' }, { ownerId: COLLEAGUE });
    expect(out).toEqual({ name: 'A', note: 'kept', redacted: [] });
  });

  it('the record given is not changed', () => {
    const { view } = redactFor(['customer_service'], 'service');
    expect(view.annualPurchase).toEqual({ amountMinor: 150000000, currency: 'CNY' });
    expect(view.profitContributionPct).toBe(12.5);
  });

  it("the same ability decides per record: a group leader sees the figures of their team's accounts but nothing of another team's", () => {
    expect(redactFor(['group_leader'], 'team').out.redacted).toEqual([]);
    expect(redactFor(['group_leader'], 'other').out.redacted).toEqual([...ACCOUNT_ALL_FIELDS]);
  });
});

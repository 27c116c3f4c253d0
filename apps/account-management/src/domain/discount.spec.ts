import { DEFAULT_SETTINGS } from './settings';
import {
  CONTRACT_IN_FORCE_STATUSES,
  contractExpired,
  discountAuthority,
  monthRange,
  renewalReminderEndDates,
  submissionOutcome,
} from './discount';

const table = DEFAULT_SETTINGS.discountAuthorityPct;

describe('discount authority of the signer (settings: manager 5%, leader 10%, deputy 15%, director unlimited)', () => {
  it.each([
    [['account_manager'], 5],
    [['group_leader'], 10],
    [['deputy_director'], 15],
    [['director'], null],
    [['account_manager', 'group_leader'], 10],
    [['group_leader', 'director'], null],
    [['clerk'], 0],
    [[], 0],
  ] as [string[], number | null][])('roles %j have authority %p', (roles, expected) => {
    expect(discountAuthority(roles, table)).toBe(expected);
  });

  it.each([
    [5, ['account_manager'], 'active'],
    [5.01, ['account_manager'], 'pending_approval'],
    [8, ['account_manager'], 'pending_approval'],
    [8, ['group_leader'], 'active'],
    [10, ['group_leader'], 'active'],
    [12, ['group_leader'], 'pending_approval'],
    [15, ['deputy_director'], 'active'],
    [20, ['deputy_director'], 'pending_approval'],
    [60, ['director'], 'active'],
    [0, ['assistant_account_manager'], 'active'],
    [1, ['assistant_account_manager'], 'pending_approval'],
  ] as [number, string[], string][])('a discount of %p%% signed by %j is %s', (pct, roles, outcome) => {
    expect(submissionOutcome(pct, roles, table)).toBe(outcome);
  });

  it('a workspace can change the table: a manager with 8% signs 8% without approval', () => {
    expect(submissionOutcome(8, ['account_manager'], { ...table, account_manager: 8 })).toBe('active');
  });
});

describe('renewal reminders 60, 30 and 7 days before the end', () => {
  it('finds the end dates due for a reminder today, across month and year ends', () => {
    expect(renewalReminderEndDates('2026-11-26')).toEqual([
      { daysBefore: 60, endsOn: '2027-01-25' },
      { daysBefore: 30, endsOn: '2026-12-26' },
      { daysBefore: 7, endsOn: '2026-12-03' },
    ]);
    expect(renewalReminderEndDates('2028-02-22', [7])).toEqual([{ daysBefore: 7, endsOn: '2028-02-29' }]);
  });

  it('refuses a malformed date', () => {
    expect(() => renewalReminderEndDates('2026-13-45')).toThrow();
  });
});

describe('a contract in force expires the day after its end date', () => {
  it.each([
    ['ends today: still in force on its last day', '2026-11-26', '2026-11-26', false],
    ['ended yesterday: expired', '2026-11-25', '2026-11-26', true],
    ['ends tomorrow: in force', '2026-11-27', '2026-11-26', false],
    ['ended on the last day of the year: expired on New Year', '2026-12-31', '2027-01-01', true],
    ['ends on 29 February: still in force that day', '2028-02-29', '2028-02-29', false],
  ])('%s', (_rule, endsOn, today, expired) => {
    expect(contractExpired(endsOn, today)).toBe(expired);
  });

  it('only an active contract is in force: drafts, pending approvals, rejected and terminated ones never expire', () => {
    expect([...CONTRACT_IN_FORCE_STATUSES]).toEqual(['active']);
  });

  it('refuses a malformed date', () => {
    expect(() => contractExpired('2026-13-45', '2026-11-26')).toThrow();
    expect(() => contractExpired('2026-11-26', 'today')).toThrow();
  });
});

describe('month ranges in local dates', () => {
  it.each([
    ['2026-11', '2026-11-01', '2026-11-30'],
    ['2026-12', '2026-12-01', '2026-12-31'],
    ['2028-02', '2028-02-01', '2028-02-29'],
    ['2026-02', '2026-02-01', '2026-02-28'],
  ])('%s runs from %s to %s', (month, from, to) => {
    expect(monthRange(month)).toEqual({ from, to });
  });
});

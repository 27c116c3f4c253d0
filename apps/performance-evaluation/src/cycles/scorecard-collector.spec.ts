import { MemberMonthMetrics } from '@app/contracts';
import { metricValue, stableJson } from './scorecard-collector.service';

const month: MemberMonthMetrics = {
  memberId: 'm',
  salesMinor: '1200000',
  ordersCount: 2,
  crmSalesMinor: '200000',
  crmOrdersCount: 1,
  newAccounts: 1,
  revisitsDue: 4,
  revisitsCompleted: 3,
  revisitsCompletedOnTime: 2,
  satisfactionAvg: '4.50',
  satisfactionCount: 2,
  complaintsReceived: 2,
  complaintsResolved: 1,
  complaintsResolvedInSla: 1,
  projectsDue: 5,
  projectsOnTime: 4,
};

describe('what each criterion measures', () => {
  it.each([
    ['sales_amount', { actual: '12000.00', target: '10000.00' }],
    ['new_key_accounts', { actual: '1', target: '2' }],
    ['revisit_completion', { actual: null, numerator: 3, denominator: 4 }],
    ['satisfaction', { actual: '4.50' }],
    ['complaint_resolution', { actual: null, numerator: 1, denominator: 2 }],
    ['project_on_time', { actual: null, numerator: 4, denominator: 5 }],
    ['training_score', { actual: '85.00' }],
  ] as const)('%s reads %j', (metric, expected) => {
    expect(metricValue(metric, month, { sales_amount: '1000000', new_key_accounts: '2' }, '85.00')).toEqual(
      expected,
    );
  });

  it('a member with no measurements has nothing due and no sales', () => {
    expect(metricValue('sales_amount', null, {}, null)).toEqual({ actual: null, target: null });
    expect(metricValue('revisit_completion', null, {}, null)).toEqual({
      actual: null,
      numerator: 0,
      denominator: 0,
    });
  });
});

describe('comparing the inputs stored on a card with freshly collected ones', () => {
  it.each([
    [{ b: 1, a: { d: [1, 2], c: null } }, { a: { c: null, d: [1, 2] }, b: 1 }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [{ a: 1, b: undefined }, { a: 1 }, true],
  ])('%j and %j are the same: %s', (x, y, same) => {
    expect(stableJson(x) === stableJson(y)).toBe(same);
  });
});

import { PlanCandidate, planFor } from './plan-choice';

const plan = (id: string, p: Partial<PlanCandidate> = {}): PlanCandidate => ({
  id,
  position: null,
  effectiveFrom: '2026-01',
  status: 'approved',
  approvedAt: '2026-01-01T00:00:00.000Z',
  ...p,
});

describe('which commission plan (提成方案) a month is settled with', () => {
  it.each<[string, PlanCandidate[], string | null, string, string | null]>([
    ['no plan at all', [], 'sales', '2026-11', null],
    ['a draft plan is never used', [plan('a', { status: 'draft' })], 'sales', '2026-11', null],
    ['a retired plan is never used', [plan('a', { status: 'retired' })], 'sales', '2026-11', null],
    [
      'a plan starting next month is not used yet',
      [plan('a', { effectiveFrom: '2026-12' })],
      'sales',
      '2026-11',
      null,
    ],
    [
      'a plan starting this month is used',
      [plan('a', { effectiveFrom: '2026-11' })],
      'sales',
      '2026-11',
      'a',
    ],
    ['a plan for everyone applies to any position', [plan('a')], 'clerk', '2026-11', 'a'],
    [
      'a plan for sales does not apply to a clerk',
      [plan('a', { position: 'sales' })],
      'clerk',
      '2026-11',
      null,
    ],
    [
      'the newer plan replaces the older one',
      [plan('old', { effectiveFrom: '2026-01' }), plan('new', { effectiveFrom: '2026-06' })],
      'sales',
      '2026-11',
      'new',
    ],
    [
      'in the same month, the plan for the position wins over the one for everyone',
      [plan('all'), plan('sales', { position: 'sales' })],
      'sales',
      '2026-11',
      'sales',
    ],
    [
      'between two plans of the same month and position, the later approval wins',
      [plan('first'), plan('second', { approvedAt: '2026-02-01T00:00:00.000Z' })],
      'sales',
      '2026-11',
      'second',
    ],
    ['a member with no evaluated position gets the plan for everyone', [plan('a')], null, '2026-11', 'a'],
  ])('%s', (_name, plans, position, month, expected) => {
    expect(planFor(plans, position, month)?.id ?? null).toBe(expected);
  });
});

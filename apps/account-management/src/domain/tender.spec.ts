import { allowedTenderMoves, canMoveTender, daysUntil } from './tender';

describe('tender transitions', () => {
  it.each([
    ['noticed', 'preparing', true],
    ['noticed', 'submitted', false],
    ['preparing', 'submitted', true],
    ['submitted', 'won', true],
    ['submitted', 'lost', true],
    ['won', 'lost', false],
    ['cancelled', 'noticed', false],
    ['preparing', 'cancelled', true],
  ] as const)('%s → %s: %s', (from, to, ok) => {
    expect(canMoveTender(from, to)).toBe(ok);
  });

  it('results are final', () => {
    for (const s of ['won', 'lost', 'cancelled'] as const) expect(allowedTenderMoves(s)).toEqual([]);
  });

  it('counts days to the deadline', () => {
    expect(daysUntil('2026-11-26', '2026-12-03')).toBe(7);
    expect(daysUntil('2026-12-31', '2027-01-01')).toBe(1);
  });
});

import { eliminationCandidates, lastPlace, rankWithin } from './ranking';

const entries = (scores: Record<string, number>) =>
  Object.entries(scores).map(([memberId, s]) => ({ memberId, scoreHundredths: BigInt(s) }));

describe("the month's ranking within a team", () => {
  it.each<{ case: string; scores: Record<string, number>; ranks: [string, number, boolean][] }>([
    {
      case: 'different scores rank 1, 2, 3; the lowest is last',
      scores: { li: 8800, wang: 9500, zhao: 7000 },
      ranks: [
        ['wang', 1, false],
        ['li', 2, false],
        ['zhao', 3, true],
      ],
    },
    {
      case: 'equal scores share a rank and the next rank is skipped (1, 2, 2, 4)',
      scores: { a: 9000, b: 8500, c: 8500, d: 6000 },
      ranks: [
        ['a', 1, false],
        ['b', 2, false],
        ['c', 2, false],
        ['d', 4, true],
      ],
    },
    {
      case: 'everyone tied at the lowest score is last',
      scores: { a: 9000, b: 7000, c: 7000 },
      ranks: [
        ['a', 1, false],
        ['b', 2, true],
        ['c', 2, true],
      ],
    },
    {
      case: 'scores differing by one hundredth still rank apart',
      scores: { a: 8001, b: 8000 },
      ranks: [
        ['a', 1, false],
        ['b', 2, true],
      ],
    },
    { case: 'a team of one has no last place', scores: { solo: 5000 }, ranks: [['solo', 1, false]] },
    {
      case: 'a team where everyone has the same score has no last place',
      scores: { a: 8000, b: 8000 },
      ranks: [
        ['a', 1, false],
        ['b', 1, false],
      ],
    },
  ])('$case', ({ scores, ranks }) => {
    expect(rankWithin(entries(scores)).map((r) => [r.memberId, r.rank, r.isLast])).toEqual(ranks);
  });

  it('an empty team has no ranking', () => {
    expect(rankWithin([])).toEqual([]);
  });

  it('a member cannot be ranked twice', () => {
    expect(() => rankWithin([...entries({ a: 1 }), ...entries({ a: 2 })])).toThrow('appears twice');
  });

  it('last place lists the members at the bottom', () => {
    expect(lastPlace(rankWithin(entries({ a: 9000, b: 7000, c: 7000 })))).toEqual(['b', 'c']);
  });
});

describe('elimination warning after three months running in last place (末位淘汰)', () => {
  it.each<{ case: string; months: string[][]; window?: number; candidates: string[] }>([
    {
      case: 'last in three consecutive months',
      months: [['zhao'], ['zhao'], ['zhao']],
      candidates: ['zhao'],
    },
    {
      case: 'only the final three months count',
      months: [['li'], ['zhao'], ['zhao'], ['zhao']],
      candidates: ['zhao'],
    },
    {
      case: 'a better month in between breaks the run',
      months: [['zhao'], ['li'], ['zhao']],
      candidates: [],
    },
    {
      case: 'an earlier run that ended does not count',
      months: [['zhao'], ['zhao'], ['zhao'], ['li']],
      candidates: [],
    },
    { case: 'only two months of history', months: [['zhao'], ['zhao']], candidates: [] },
    {
      case: 'two members tied for last every month are both warned',
      months: [
        ['zhao', 'qian'],
        ['qian', 'zhao'],
        ['zhao', 'qian'],
      ],
      candidates: ['zhao', 'qian'],
    },
    { case: 'a month with nobody last breaks the run', months: [['zhao'], [], ['zhao']], candidates: [] },
    {
      case: 'a shorter window set by the workspace',
      months: [['li'], ['zhao'], ['zhao']],
      window: 2,
      candidates: ['zhao'],
    },
    { case: 'no history', months: [], candidates: [] },
  ])('$case', ({ months, window, candidates }) => {
    expect(eliminationCandidates(months, window)).toEqual(candidates);
  });

  it('a window of zero months is refused', () => {
    expect(() => eliminationCandidates([['a']], 0)).toThrow(RangeError);
  });
});

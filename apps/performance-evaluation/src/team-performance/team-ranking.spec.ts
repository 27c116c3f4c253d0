import { completionHundredths, rankTeams, TeamScore } from './team-ranking';

describe('team target completion (团队目标完成率)', () => {
  it.each<[string, bigint, bigint | null, bigint | null]>([
    ['exactly on target is 100%', 1_000_000n, 1_000_000n, 10000n],
    ['half the target is 50%', 500_000n, 1_000_000n, 5000n],
    ['above the target is more than 100%', 1_200_000n, 1_000_000n, 12000n],
    ['rounded half up to 0.01%', 2n, 3n, 6667n],
    ['no sales is 0%', 0n, 1_000_000n, 0n],
    ['returns (negative sales) count as 0%', -5n, 1_000_000n, 0n],
    ['no target: no completion', 1_000_000n, null, null],
    ['a target of 0: no completion', 1_000_000n, 0n, null],
  ])('%s', (_name, sales, target, expected) => {
    expect(completionHundredths(sales, target)).toBe(expected);
  });
});

describe('team ranking by completion, then collaboration', () => {
  const t = (teamId: string, completion: bigint | null, collaboration: bigint | null): TeamScore => ({
    teamId,
    completion,
    collaboration,
  });
  it.each<[string, TeamScore[], Record<string, number>]>([
    ['higher completion ranks first', [t('a', 9000n, null), t('b', 11000n, null)], { b: 1, a: 2 }],
    [
      'equal completion: the better collaboration rating wins',
      [t('a', 10000n, 7000n), t('b', 10000n, 9000n)],
      { b: 1, a: 2 },
    ],
    [
      'equal on both: the same rank, and the next rank is skipped',
      [t('a', 10000n, 8000n), t('b', 10000n, 8000n), t('c', 5000n, 9000n)],
      { a: 1, b: 1, c: 3 },
    ],
    [
      'a team without a target ranks below every team with one',
      [t('a', null, 10000n), t('b', 100n, 0n)],
      { b: 1, a: 2 },
    ],
    [
      'a team without a rating ranks below one with a rating',
      [t('a', 10000n, null), t('b', 10000n, 0n)],
      { b: 1, a: 2 },
    ],
    ['no teams, no ranking', [], {}],
  ])('%s', (_name, teams, expected) => {
    expect(Object.fromEntries(rankTeams(teams))).toEqual(expected);
  });
});

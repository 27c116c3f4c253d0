import { tierChangeOutcome } from './tier-change';
import { DEFAULT_LADDER, ladderChangeProblems, ladderProblems, TIER_PRESETS } from './tier-ladder';

describe('manual tier changes', () => {
  const opts = (approverIsDirector: boolean) => ({ protectedTopTiers: 2, approverIsDirector });
  it.each([
    ['silver', 'gold', false, 'applied'],
    ['platinum', 'diamond', false, 'applied'],
    ['gold', 'diamond', false, 'pending_approval'],
    ['diamond', 'silver', false, 'pending_approval'],
    ['platinum', 'silver', false, 'applied'],
    ['gold', 'silver', true, 'applied'],
    ['gold', 'gold', false, 'no_change'],
    ['diamond', 'gold', false, 'applied'],
  ])('%s → %s by someone who is director: %s → %s', (from, to, director, outcome) => {
    expect(tierChangeOutcome(DEFAULT_LADDER, from, to, opts(director))).toBe(outcome);
  });

  it('with protectedTopTiers 0 no downgrade waits', () => {
    expect(
      tierChangeOutcome(DEFAULT_LADDER, 'gold', 'silver', {
        protectedTopTiers: 0,
        approverIsDirector: false,
      }),
    ).toBe('applied');
  });
});

describe('tier ladders', () => {
  it('the presets are valid ladders', () => {
    for (const l of Object.values(TIER_PRESETS)) expect(ladderProblems(l)).toEqual([]);
  });

  it.each([
    ['an empty ladder', [], 'a ladder needs at least one tier'],
    [
      'a duplicated key',
      [DEFAULT_LADDER[0], { ...DEFAULT_LADDER[0], minScore: 0 }],
      'tier gold appears twice',
    ],
    [
      'scores that do not fall',
      [DEFAULT_LADDER[1], { ...DEFAULT_LADDER[0], minScore: 0 }].reverse(),
      'tier diamond: minScore must be below the tier above',
    ],
    ['a lowest tier above 0', [DEFAULT_LADDER[0]], 'the lowest tier must start at minScore 0'],
    [
      'a cadence of 0 days',
      [{ ...DEFAULT_LADDER[4], revisitDays: 0 }],
      'tier silver: revisitDays must be 1-365',
    ],
  ])('%s is refused', (_name, ladder, message) => {
    expect(ladderProblems(ladder)).toContain(message);
  });

  it('dropping a tier in use needs a mapping to a tier of the new ladder', () => {
    const abc = TIER_PRESETS.abc;
    expect(ladderChangeProblems(['gold', 'silver'], abc, {})).toEqual({
      unmapped: ['gold', 'silver'],
      badTargets: [],
    });
    expect(ladderChangeProblems(['gold', 'silver'], abc, { gold: 'A', silver: 'Z' })).toEqual({
      unmapped: [],
      badTargets: ['silver'],
    });
    expect(ladderChangeProblems(['gold'], abc, { gold: 'A' })).toEqual({ unmapped: [], badTargets: [] });
    expect(ladderChangeProblems([], abc, {})).toEqual({ unmapped: [], badTargets: [] });
  });
});

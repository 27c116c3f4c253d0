import { DEFAULT_LADDER, isTierOf, TIER_PRESETS, tierRank } from './tier-ladder';

describe('tier ladders', () => {
  it("the default ladder is the policy's five tiers, gold highest: 金牌 > 钻石 > 铂金 > 白金 > 银", () => {
    expect(DEFAULT_LADDER.map((t) => t.label['zh-CN'])).toEqual(['金牌', '钻石', '铂金', '白金', '银']);
  });

  it.each([
    ['gold', 14],
    ['diamond', 30],
    ['platinum', 45],
    ['white_gold', 60],
    ['silver', 90],
  ])('a %s account is revisited every %i days by default', (key, days) => {
    expect(DEFAULT_LADDER.find((t) => t.key === key)?.revisitDays).toBe(days);
  });

  it.each([
    ['abc', [30, 60, 90]],
    ['strategic', [14, 30, 90]],
  ] as const)('the %s preset revisits every %j days', (preset, days) => {
    expect(TIER_PRESETS[preset].map((t) => t.revisitDays)).toEqual(days);
  });

  it.each([
    ['gold', true, 0],
    ['silver', true, 4],
    ['bronze', false, -1],
    ['A', false, -1],
  ])('tier %s: on the policy ladder %s, rank %i', (key, on, rank) => {
    expect(isTierOf(DEFAULT_LADDER, key)).toBe(on);
    expect(tierRank(DEFAULT_LADDER, key)).toBe(rank);
  });
});

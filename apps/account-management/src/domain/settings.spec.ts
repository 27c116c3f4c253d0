import { DEFAULT_SETTINGS, normalizeSettings, settingsProblems } from './settings';

describe('workspace settings', () => {
  it("the defaults are the policy's and valid", () => {
    expect(settingsProblems(DEFAULT_SETTINGS)).toEqual([]);
    expect(DEFAULT_SETTINGS.timeZone).toBe('Asia/Shanghai');
    expect(DEFAULT_SETTINGS.complaintSla).toEqual({
      firstResponseHours: { topTiers: 2, others: 4 },
      topTiers: 2,
      resolutionHours: { high: 24, medium: 48, low: 72 },
    });
    expect(DEFAULT_SETTINGS.discountAuthorityPct).toMatchObject({
      account_manager: 5,
      group_leader: 10,
      director: null,
    });
    expect(DEFAULT_SETTINGS.qualification.annualPurchaseMinor).toBe(100_000_000);
  });

  it('settings stored before a field existed take its default', () => {
    const s = normalizeSettings({
      timeZone: 'Europe/Paris',
      tierLadder: [{ key: 'A', label: { 'zh-CN': 'A', en: 'A' }, revisitDays: 30 } as never],
    });
    expect(s.timeZone).toBe('Europe/Paris');
    expect(s.protectedTopTiers).toBe(2);
    expect(s.tierLadder[0].minScore).toBe(0);
  });

  it.each([
    ['timeZone', { timeZone: 'Mars/Olympus' }],
    ['evaluationWeights', { evaluationWeights: { ...DEFAULT_SETTINGS.evaluationWeights, scale: 90 } }],
    ['protectedTopTiers', { protectedTopTiers: 9 }],
    ['qualification.currency', { qualification: { ...DEFAULT_SETTINGS.qualification, currency: 'cny' } }],
    [
      'complaintSla.resolutionHours',
      {
        complaintSla: {
          ...DEFAULT_SETTINGS.complaintSla,
          resolutionHours: { high: 72, medium: 48, low: 24 },
        },
      },
    ],
    ['discountAuthorityPct.account_manager', { discountAuthorityPct: { account_manager: 150 } }],
  ])('a bad %s is named', (field, change) => {
    const problems = settingsProblems(normalizeSettings({ ...DEFAULT_SETTINGS, ...change } as never));
    expect(problems.map((p) => p.field)).toContain(field);
  });
});

import { addDays, meanScore, quarterEnd, quarterOf, scoreProblems } from './survey';

describe('survey domain', () => {
  it('names the quarter of a date', () => {
    expect(quarterOf('2026-01-01')).toBe('2026-Q1');
    expect(quarterOf('2026-03-31')).toBe('2026-Q1');
    expect(quarterOf('2026-04-01')).toBe('2026-Q2');
    expect(quarterOf('2026-11-26')).toBe('2026-Q4');
    expect(() => quarterOf('2026-11')).toThrow();
  });

  it('knows the last day of a quarter', () => {
    expect(quarterEnd('2026-Q1')).toBe('2026-03-31');
    expect(quarterEnd('2024-Q1')).toBe('2024-03-31');
    expect(quarterEnd('2026-Q2')).toBe('2026-06-30');
    expect(quarterEnd('2026-Q3')).toBe('2026-09-30');
    expect(quarterEnd('2026-Q4')).toBe('2026-12-31');
    expect(() => quarterEnd('2026-Q5')).toThrow();
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-12-20', 30)).toBe('2027-01-19');
  });

  it('accepts integer scores 1-5 of known dimensions with the overall one', () => {
    expect(scoreProblems({ overall: 5, delivery: 1 })).toEqual([]);
  });

  it('refuses unknown dimensions, out-of-range and fractional scores, and a missing overall', () => {
    expect(scoreProblems({ overall: 3, taste: 4 }).map((p) => p.field)).toEqual(['scores.taste']);
    expect(scoreProblems({ overall: 6 }).map((p) => p.field)).toEqual(['scores.overall']);
    expect(scoreProblems({ overall: 0 }).map((p) => p.field)).toEqual(['scores.overall']);
    expect(scoreProblems({ overall: 2.5 }).map((p) => p.field)).toEqual(['scores.overall']);
    expect(scoreProblems({ overall: '4' }).map((p) => p.field)).toEqual(['scores.overall']);
    expect(scoreProblems({ delivery: 4 }).map((p) => p.field)).toEqual(['scores.overall']);
    expect(scoreProblems([4]).map((p) => p.field)).toEqual(['scores']);
    expect(scoreProblems(null).map((p) => p.field)).toEqual(['scores']);
  });

  it('averages the scores given', () => {
    expect(meanScore({ overall: 4, delivery: 5, productQuality: 4 })).toBe(4.33);
    expect(meanScore({})).toBeNull();
  });
});

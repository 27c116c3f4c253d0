import { DEFAULT_LADDER } from './tier-ladder';
import {
  addDays,
  cadenceDays,
  dateInTimeZone,
  daysBetween,
  ESCALATE_TO_DIRECTOR_AFTER_DAYS,
  ESCALATE_TO_GROUP_LEADER_AFTER_DAYS,
  escalationLevel,
  nextRevisitDue,
  rescheduleProblem,
} from './revisit';

describe('revisit due dates', () => {
  it.each([
    // last contact (instant), tier, time zone, next due date
    ['2026-11-01T10:00:00+08:00', 'gold', 'Asia/Shanghai', '2026-11-15'],
    ['2026-11-01T10:00:00+08:00', 'diamond', 'Asia/Shanghai', '2026-12-01'],
    ['2026-11-01T10:00:00+08:00', 'platinum', 'Asia/Shanghai', '2026-12-16'],
    ['2026-11-01T10:00:00+08:00', 'white_gold', 'Asia/Shanghai', '2026-12-31'],
    ['2026-11-01T10:00:00+08:00', 'silver', 'Asia/Shanghai', '2027-01-30'],
    // 23:30 UTC on 31 Oct is already 1 Nov in Shanghai, still 31 Oct in London.
    ['2026-10-31T23:30:00Z', 'gold', 'Asia/Shanghai', '2026-11-15'],
    ['2026-10-31T23:30:00Z', 'gold', 'Europe/London', '2026-11-14'],
    // Across a leap day.
    ['2028-02-20T09:00:00+08:00', 'gold', 'Asia/Shanghai', '2028-03-05'],
  ])('last contact %s, a %s account in %s is next due on %s', (at, tier, tz, due) => {
    const cadence = cadenceDays(DEFAULT_LADDER, tier);
    expect(cadence).not.toBeNull();
    expect(nextRevisitDue(new Date(at), cadence as number, tz)).toBe(due);
  });

  it('a tier that is not on the ladder has no cadence', () => {
    expect(cadenceDays(DEFAULT_LADDER, 'bronze')).toBeNull();
  });

  it.each([
    ['2026-11-01', 0, '2026-11-01'],
    ['2026-11-30', 1, '2026-12-01'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('%s plus %i days is %s', (d, n, out) => {
    expect(addDays(d, n)).toBe(out);
    expect(daysBetween(d, out)).toBe(n);
  });

  it('the date of an instant is taken in the workspace time zone', () => {
    expect(dateInTimeZone(new Date('2026-11-26T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-27');
    expect(dateInTimeZone(new Date('2026-11-26T17:00:00Z'), 'America/New_York')).toBe('2026-11-26');
  });
});

describe('overdue revisits escalate: owner → group leader → director', () => {
  it('the thresholds are 1 day for the group leader and 7 days for the director', () => {
    expect([ESCALATE_TO_GROUP_LEADER_AFTER_DAYS, ESCALATE_TO_DIRECTOR_AFTER_DAYS]).toEqual([1, 7]);
  });

  it.each([
    [-3, 0],
    [0, 0],
    [1, 1],
    [6, 1],
    [7, 2],
    [30, 2],
  ])('overdue %i days → escalation level %i', (days, level) => {
    expect(escalationLevel(days)).toBe(level);
  });
});

describe('rescheduling a revisit', () => {
  it.each([
    ['2026-11-27', '2026-11-26', null],
    ['2026-11-26', '2026-11-26', null],
    ['2026-11-25', '2026-11-26', 'dueDate must not be in the past (today is 2026-11-26)'],
    ['26/11/2026', '2026-11-26', 'dueDate must be a date, YYYY-MM-DD'],
  ])('to %s when today is %s: %s', (due, today, problem) => {
    expect(rescheduleProblem(due, today)).toBe(problem);
  });
});

import {
  appealDeadline,
  appealWindowOpen,
  canTransition,
  canTransitionCycle,
  monthAfter,
  monthBefore,
  monthOf,
  monthRange,
  SCORECARD_STATES,
  ScorecardState,
  scorecardEditable,
} from './cycle';

describe('the life of a monthly scorecard', () => {
  const allowed: [ScorecardState, ScorecardState][] = [
    ['draft', 'rated'],
    ['rated', 'draft'],
    ['rated', 'published'],
    ['published', 'acknowledged'],
    ['published', 'appealed'],
    ['published', 'approved'],
    ['acknowledged', 'approved'],
    ['appealed', 'rated'],
    ['appealed', 'approved'],
  ];
  it.each(allowed)('a scorecard may move from %s to %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  const all = SCORECARD_STATES.flatMap((from) => SCORECARD_STATES.map((to) => [from, to] as const));
  const refused = all.filter(([f, t]) => !allowed.some(([a, b]) => a === f && b === t));
  it.each(refused)('a scorecard may not move from %s to %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('an approved scorecard is final', () => {
    expect(SCORECARD_STATES.some((to) => canTransition('approved', to))).toBe(false);
  });

  it('a month can be locked once and then not reopened; only an open month can be edited', () => {
    expect(canTransitionCycle('open', 'locked')).toBe(true);
    expect(canTransitionCycle('locked', 'open')).toBe(false);
    expect(scorecardEditable('open')).toBe(true);
    expect(scorecardEditable('locked')).toBe(false);
  });
});

describe('a member has five days (5 × 24 h) to appeal a published scorecard', () => {
  const published = new Date('2026-12-01T10:00:00+08:00');
  it.each<{ when: string; open: boolean }>([
    { when: '2026-12-01T10:00:00+08:00', open: true },
    { when: '2026-12-03T18:00:00+08:00', open: true },
    { when: '2026-12-06T09:59:59.999+08:00', open: true },
    { when: '2026-12-06T10:00:00+08:00', open: false },
    { when: '2026-12-08T00:00:00+08:00', open: false },
    { when: '2026-12-01T09:59:59+08:00', open: false },
  ])('at $when the window is open: $open', ({ when, open }) => {
    expect(appealWindowOpen(published, new Date(when))).toBe(open);
  });

  it('a workspace may set a different window', () => {
    expect(appealWindowOpen(published, new Date('2026-12-06T12:00:00+08:00'), 7)).toBe(true);
    expect(appealDeadline(published, 7)).toEqual(new Date('2026-12-08T10:00:00+08:00'));
  });
});

describe('months of the evaluation calendar', () => {
  it.each([
    ['2026-11', '2026-10'],
    ['2026-01', '2025-12'],
    ['2026-03', '2026-02'],
  ])('the month before %s is %s', (m, before) => {
    expect(monthBefore(m)).toBe(before);
  });

  it.each([
    ['2026-12', '2027-01'],
    ['2026-02', '2026-03'],
  ])('the month after %s is %s', (m, after) => {
    expect(monthAfter(m)).toBe(after);
  });

  it.each(['2026-13', '2026-1', 'November'])('"%s" is not a month', (m) => {
    expect(() => monthBefore(m)).toThrow(RangeError);
  });

  it.each<{ month: string; zone: string; start: string; end: string }>([
    // China: UTC+8 all year
    {
      month: '2026-11',
      zone: 'Asia/Shanghai',
      start: '2026-10-31T16:00:00.000Z',
      end: '2026-11-30T16:00:00.000Z',
    },
    {
      month: '2026-12',
      zone: 'Asia/Shanghai',
      start: '2026-11-30T16:00:00.000Z',
      end: '2026-12-31T16:00:00.000Z',
    },
    { month: '2026-02', zone: 'UTC', start: '2026-02-01T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z' },
    // Berlin: summer time from 29 March 2026, back on 25 October 2026
    {
      month: '2026-03',
      zone: 'Europe/Berlin',
      start: '2026-02-28T23:00:00.000Z',
      end: '2026-03-31T22:00:00.000Z',
    },
    {
      month: '2026-10',
      zone: 'Europe/Berlin',
      start: '2026-09-30T22:00:00.000Z',
      end: '2026-10-31T23:00:00.000Z',
    },
    {
      month: '2026-07',
      zone: 'Europe/Berlin',
      start: '2026-06-30T22:00:00.000Z',
      end: '2026-07-31T22:00:00.000Z',
    },
    // New York: UTC-5 in winter, -4 in summer
    {
      month: '2026-11',
      zone: 'America/New_York',
      start: '2026-11-01T04:00:00.000Z',
      end: '2026-12-01T05:00:00.000Z',
    },
  ])('$month in $zone runs from $start to $end', ({ month, zone, start, end }) => {
    const r = monthRange(month, zone);
    expect(r.start.toISOString()).toBe(start);
    expect(r.end.toISOString()).toBe(end);
  });

  it('an unknown time zone is refused', () => {
    expect(() => monthRange('2026-11', 'Mars/Olympus')).toThrow(RangeError);
  });

  it.each<{ instant: string; zone: string; month: string }>([
    { instant: '2026-10-31T16:00:00Z', zone: 'Asia/Shanghai', month: '2026-11' },
    { instant: '2026-10-31T15:59:59Z', zone: 'Asia/Shanghai', month: '2026-10' },
    { instant: '2026-10-31T23:30:00Z', zone: 'Europe/Berlin', month: '2026-11' },
    { instant: '2026-10-31T22:30:00Z', zone: 'Europe/Berlin', month: '2026-10' },
  ])('$instant is in $month in $zone', ({ instant, zone, month }) => {
    expect(monthOf(new Date(instant), zone)).toBe(month);
  });
});

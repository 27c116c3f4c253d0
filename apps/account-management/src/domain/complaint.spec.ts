import {
  allowedComplaintMoves,
  breachesAt,
  canMoveComplaint,
  COMPLAINT_STATUSES,
  COMPLAINT_TRANSITIONS,
  ComplaintSeverity,
  complaintDeadlines,
  ComplaintStatus,
  escalationLevelAt,
  isReopen,
  transitionBlocker,
} from './complaint';
import { DEFAULT_SETTINGS } from './settings';
import { TIER_PRESETS } from './tier-ladder';

const received = new Date('2026-11-20T10:00:00+08:00');
const hoursAfter = (d: Date, h: number) => new Date(d.getTime() + h * 3600_000);
const sla = DEFAULT_SETTINGS.complaintSla;

describe('complaint deadlines (policy SLA: severity × tier)', () => {
  const cases: [string, ComplaintSeverity, number, number][] = [
    ['gold', 'high', 2, 24],
    ['gold', 'medium', 2, 48],
    ['diamond', 'low', 2, 72],
    ['platinum', 'high', 4, 24],
    ['white_gold', 'medium', 4, 48],
    ['silver', 'low', 4, 72],
    ['not_on_ladder', 'high', 4, 24],
  ];
  it.each(cases)(
    'a %s account with a %s complaint: first response in %i h, resolution in %i h',
    (tier, severity, response, resolution) => {
      const d = complaintDeadlines(received, severity, tier, TIER_PRESETS.policy, sla);
      expect(d.firstResponseDue).toEqual(hoursAfter(received, response));
      expect(d.resolutionDue).toEqual(hoursAfter(received, resolution));
    },
  );

  it('the top tiers follow the ladder in use: A and B on the A/B/C ladder, C the others', () => {
    expect(complaintDeadlines(received, 'low', 'B', TIER_PRESETS.abc, sla).firstResponseDue).toEqual(
      hoursAfter(received, 2),
    );
    expect(complaintDeadlines(received, 'low', 'C', TIER_PRESETS.abc, sla).firstResponseDue).toEqual(
      hoursAfter(received, 4),
    );
  });

  it("a workspace's own SLA settings replace the defaults", () => {
    const own = {
      firstResponseHours: { topTiers: 1, others: 8 },
      topTiers: 1,
      resolutionHours: { high: 12, medium: 36, low: 96 },
    };
    const gold = complaintDeadlines(received, 'low', 'gold', TIER_PRESETS.policy, own);
    const diamond = complaintDeadlines(received, 'medium', 'diamond', TIER_PRESETS.policy, own);
    expect(gold).toEqual({
      firstResponseDue: hoursAfter(received, 1),
      resolutionDue: hoursAfter(received, 96),
    });
    expect(diamond).toEqual({
      firstResponseDue: hoursAfter(received, 8),
      resolutionDue: hoursAfter(received, 36),
    });
  });
});

describe('the complaint handling process', () => {
  const legal: [ComplaintStatus, ComplaintStatus][] = [
    ['open', 'acknowledged'],
    ['acknowledged', 'in_progress'],
    ['in_progress', 'resolved'],
    ['resolved', 'closed'],
    ['resolved', 'in_progress'],
    ['closed', 'in_progress'],
  ];
  it.each(legal)('a complaint may move from %s to %s', (from, to) => {
    expect(canMoveComplaint(from, to)).toBe(true);
  });

  const illegal: [ComplaintStatus, ComplaintStatus][] = [
    ['open', 'resolved'],
    ['open', 'closed'],
    ['open', 'in_progress'],
    ['acknowledged', 'closed'],
    ['in_progress', 'closed'],
    ['closed', 'resolved'],
    ['resolved', 'resolved'],
    ['closed', 'open'],
  ];
  it.each(illegal)('a complaint may not jump from %s to %s', (from, to) => {
    expect(canMoveComplaint(from, to)).toBe(false);
  });

  it('every status has somewhere to go, and every target is a status', () => {
    for (const s of COMPLAINT_STATUSES) {
      expect(allowedComplaintMoves(s).length).toBeGreaterThan(0);
      for (const t of COMPLAINT_TRANSITIONS[s]) expect(COMPLAINT_STATUSES).toContain(t);
    }
  });

  it('only going back to in_progress from resolved or closed is a reopen', () => {
    expect(legal.filter(([f, t]) => isReopen(f, t))).toEqual([
      ['resolved', 'in_progress'],
      ['closed', 'in_progress'],
    ]);
  });

  it('closing needs the satisfaction callback (回访); resolving needs the result', () => {
    expect(transitionBlocker('closed', { callbackRecorded: false, result: 'x' })).toBe('callback_required');
    expect(transitionBlocker('closed', { callbackRecorded: true, result: 'x' })).toBeNull();
    expect(transitionBlocker('resolved', { callbackRecorded: false, result: null })).toBe('result_required');
    expect(transitionBlocker('resolved', { callbackRecorded: false, result: '已更换设备' })).toBeNull();
    expect(transitionBlocker('acknowledged', { callbackRecorded: false, result: null })).toBeNull();
  });
});

describe('SLA breaches and escalation', () => {
  // A gold account's high complaint: respond within 2 h, resolve within 24 h.
  const clock = {
    receivedAt: received,
    firstResponseDue: hoursAfter(received, 2),
    resolutionDue: hoursAfter(received, 24),
    firstRespondedAt: null as Date | null,
    resolvedAt: null as Date | null,
  };
  const cases: [string, Partial<typeof clock>, number, boolean, boolean, number][] = [
    ['nothing is late one hour in', {}, 1, false, false, 0],
    ['exactly at the deadline is not late', {}, 2, false, false, 0],
    ['no response after 3 h: the handler', {}, 3, true, false, 1],
    [
      'answered in time, unresolved after 25 h: the group leader',
      { firstRespondedAt: hoursAfter(received, 1) },
      25,
      false,
      true,
      2,
    ],
    [
      'answered late, unresolved after 25 h',
      { firstRespondedAt: hoursAfter(received, 5) },
      25,
      true,
      true,
      2,
    ],
    [
      'still unresolved after 49 h: the director',
      { firstRespondedAt: hoursAfter(received, 1) },
      49,
      false,
      true,
      3,
    ],
    [
      'resolved late: a breach, but no more escalation',
      { firstRespondedAt: hoursAfter(received, 1), resolvedAt: hoursAfter(received, 30) },
      60,
      false,
      true,
      0,
    ],
    [
      'resolved in time',
      { firstRespondedAt: hoursAfter(received, 1), resolvedAt: hoursAfter(received, 20) },
      60,
      false,
      false,
      0,
    ],
  ];
  it.each(cases)('%s', (_, over, hours, response, resolution, level) => {
    const c = { ...clock, ...over };
    const at = hoursAfter(received, hours);
    expect(breachesAt(c, at)).toEqual({ response, resolution });
    expect(escalationLevelAt(c, at)).toBe(level);
  });
});

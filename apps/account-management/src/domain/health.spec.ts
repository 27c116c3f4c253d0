import { AT_RISK_THRESHOLD, HEALTH_WEIGHTS, HealthInputs, scoreHealth } from './health';

const healthy: HealthInputs = {
  cadenceDays: 30,
  daysSinceContact: 10,
  overdueRevisits: 0,
  openComplaints: 0,
  breachedComplaints: 0,
  satisfactionRecent: 5,
  satisfactionPrior: 5,
  ordersRecentMinor: 100_000,
  ordersPriorMinor: 100_000,
};

describe('health score', () => {
  it('the weights add up to 100', () => {
    expect(Object.values(HEALTH_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  const cases: [string, Partial<HealthInputs>, number, string[]][] = [
    ['all well', {}, 100, ['cadence_ok', 'complaints_none', 'satisfaction', 'orders_steady']],
    ['one overdue revisit', { overdueRevisits: 1 }, 90, ['revisits_overdue']],
    ['overdue and lagging far', { overdueRevisits: 3, daysSinceContact: 61 }, 70, ['revisits_overdue']],
    ['contact lagging', { daysSinceContact: 31 }, 90, ['contact_lagging']],
    ['open complaint', { openComplaints: 1 }, 95, ['complaints_open']],
    ['breached complaints', { openComplaints: 2, breachedComplaints: 2 }, 75, ['complaints_breached']],
    ['satisfaction falling', { satisfactionRecent: 3, satisfactionPrior: 4.5 }, 85, ['satisfaction_falling']],
    ['no satisfaction', { satisfactionRecent: null, satisfactionPrior: null }, 94, ['satisfaction_unknown']],
    ['orders fell 10%', { ordersRecentMinor: 90_000 }, 95, ['orders_falling']],
    ['orders fell 40%', { ordersRecentMinor: 60_000 }, 85, ['orders_falling']],
    ['orders fell 90%', { ordersRecentMinor: 10_000 }, 75, ['orders_falling']],
    ['no orders', { ordersRecentMinor: 0, ordersPriorMinor: 0 }, 90, ['orders_none']],
    ['new orders', { ordersPriorMinor: 0 }, 100, ['orders_new']],
    ['no cadence', { cadenceDays: null, daysSinceContact: 400 }, 100, ['cadence_ok']],
    [
      'everything wrong',
      {
        overdueRevisits: 2,
        daysSinceContact: 90,
        openComplaints: 2,
        breachedComplaints: 2,
        satisfactionRecent: 2,
        satisfactionPrior: 4,
        ordersRecentMinor: 10_000,
      },
      0,
      ['revisits_overdue', 'complaints_breached', 'satisfaction_falling', 'orders_falling'],
    ],
  ];

  it.each(cases)('%s', (_name, change, score, codes) => {
    const r = scoreHealth({ ...healthy, ...change });
    expect(r.score).toBe(score);
    expect(r.atRisk).toBe(score < AT_RISK_THRESHOLD);
    const got = r.reasons.map((x) => x.code);
    for (const c of codes) expect(got).toContain(c);
    expect(r.reasons).toHaveLength(4);
    for (const x of r.reasons) {
      expect(x.points).toBeGreaterThanOrEqual(0);
      expect(x.points).toBeLessThanOrEqual(x.weight);
      expect(x.zh.length).toBeGreaterThan(0);
      expect(x.en.length).toBeGreaterThan(0);
    }
  });

  it('names the facts in both languages', () => {
    const r = scoreHealth({ ...healthy, overdueRevisits: 2, ordersRecentMinor: 25_000 });
    expect(r.reasons[0].zh).toContain('2 次回访逾期');
    expect(r.reasons[0].en).toContain('2 overdue revisit(s)');
    expect(r.reasons[3].en).toContain('fell 75%');
    expect(r.reasons[3].zh).toContain('下降 75%');
  });
});

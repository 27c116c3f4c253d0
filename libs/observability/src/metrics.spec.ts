import { MetricsRegistry } from './metrics';

describe('Prometheus metrics (text format)', () => {
  it('a counter adds up per label set and prints one sample each', async () => {
    const r = new MetricsRegistry();
    const c = r.counter('kam_test_total', 'Things that happened', ['queue']);
    c.inc({ queue: 'revisits' });
    c.inc({ queue: 'revisits' }, 2);
    c.inc({ queue: 'surveys' });
    const text = await r.text();
    expect(text).toContain('# HELP kam_test_total Things that happened\n# TYPE kam_test_total counter\n');
    expect(text).toContain('kam_test_total{queue="revisits"} 3\n');
    expect(text).toContain('kam_test_total{queue="surveys"} 1\n');
  });

  it.each([
    [0.003, ['0.005', '0.01', '0.025', '0.05', '+Inf']],
    [0.02, ['0.025', '0.05', '+Inf']],
    [42, ['+Inf']],
  ])('a histogram counts an observation of %s s in the cumulative buckets %s', async (value, buckets) => {
    const r = new MetricsRegistry();
    const h = r.histogram('kam_test_seconds', 'Durations', ['route'], [0.005, 0.01, 0.025, 0.05]);
    h.observe({ route: '/api/v1/accounts/:id' }, value);
    const text = await r.text();
    for (const le of ['0.005', '0.01', '0.025', '0.05', '+Inf']) {
      const expected = buckets.includes(le) ? 1 : 0;
      expect(text).toContain(
        `kam_test_seconds_bucket{route="/api/v1/accounts/:id",le="${le}"} ${expected}\n`,
      );
    }
    expect(text).toContain(`kam_test_seconds_sum{route="/api/v1/accounts/:id"} ${value}\n`);
    expect(text).toContain('kam_test_seconds_count{route="/api/v1/accounts/:id"} 1\n');
  });

  it('label values are escaped (quotes, backslashes, new lines)', async () => {
    const r = new MetricsRegistry();
    r.counter('kam_test_total', 'x', ['v']).inc({ v: 'a"b\\c\nd' });
    expect(await r.text()).toContain('kam_test_total{v="a\\"b\\\\c\\nd"} 1\n');
  });

  it('a gauge is read at scrape time, and a failing source is left out rather than failing the scrape', async () => {
    const r = new MetricsRegistry();
    const g = r.collectedGauge('kam_queue_jobs', 'Depth', ['queue', 'state']);
    let waiting = 1;
    g.addSource(async () => [{ labels: { queue: 'revisits', state: 'waiting' }, value: waiting }]);
    g.addSource(async () => {
      throw new Error('redis down');
    });
    expect(await r.text()).toContain('kam_queue_jobs{queue="revisits",state="waiting"} 1\n');
    waiting = 4;
    expect(await r.text()).toContain('kam_queue_jobs{queue="revisits",state="waiting"} 4\n');
  });

  it('the same name gives the same metric; another type under that name is refused', () => {
    const r = new MetricsRegistry();
    expect(r.counter('kam_x_total', 'x')).toBe(r.counter('kam_x_total', 'x'));
    expect(() => r.histogram('kam_x_total', 'x')).toThrow('another type');
    expect(() => r.counter('bad name', 'x')).toThrow('bad metric name');
  });
});

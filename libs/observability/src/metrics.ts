import * as http from 'node:http';

/**
 * A small Prometheus registry with the text exposition format (version 0.0.4): counters, histograms and gauges
 * read at scrape time. prom-client is not a dependency; this is the part of it KAM needs.
 *
 * Labels are bounded by construction (route templates, subjects, queue and job names, outcomes, status codes):
 * never ids, tokens or anything a caller chooses freely.
 */
export type Labels = Record<string, string | number>;

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Seconds; from a 5 ms cache hit to a 30 s export or sync page. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Jobs run longer than requests. */
export const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900];

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(String(labels[k]))}"`).join(',')}}`;
}

/** A stable key for a label set (the label names are fixed per metric, in declaration order). */
function keyOf(names: readonly string[], labels: Labels): string {
  return names.map((n) => String(labels[n] ?? '')).join('\u0000');
}

function pick(names: readonly string[], labels: Labels): Labels {
  const out: Labels = {};
  for (const n of names) out[n] = labels[n] ?? '';
  return out;
}

interface Metric {
  readonly name: string;
  collect(): Promise<string> | string;
}

abstract class Base implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly type: 'counter' | 'gauge' | 'histogram',
  ) {
    if (!NAME.test(name)) throw new Error(`bad metric name ${name}`);
  }
  protected header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }
  abstract collect(): Promise<string> | string;
}

export class Counter extends Base {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames, 'counter');
  }
  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error('a counter only goes up');
    const k = keyOf(this.labelNames, labels);
    const cur = this.values.get(k);
    if (cur) cur.value += by;
    else this.values.set(k, { labels: pick(this.labelNames, labels), value: by });
  }
  get(labels: Labels = {}): number {
    return this.values.get(keyOf(this.labelNames, labels))?.value ?? 0;
  }
  collect(): string {
    let out = this.header();
    for (const { labels, value } of this.values.values())
      out += `${this.name}${labelText(labels)} ${formatValue(value)}\n`;
    return out;
  }
}

export class Histogram extends Base {
  private readonly values = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  readonly buckets: number[];
  constructor(name: string, help: string, labelNames: readonly string[] = [], buckets = DEFAULT_BUCKETS) {
    super(name, help, labelNames, 'histogram');
    this.buckets = [...buckets].sort((a, b) => a - b);
  }
  observe(labels: Labels, value: number): void {
    const k = keyOf(this.labelNames, labels);
    let cur = this.values.get(k);
    if (!cur) {
      cur = { labels: pick(this.labelNames, labels), counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.values.set(k, cur);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) cur.counts[i]++;
    cur.sum += value;
    cur.count++;
  }
  /** Starts a timer; calling the result observes the elapsed seconds with the labels given then. */
  startTimer(): (labels: Labels) => number {
    const start = process.hrtime.bigint();
    return (labels) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      this.observe(labels, seconds);
      return seconds;
    };
  }
  count(labels: Labels = {}): number {
    return this.values.get(keyOf(this.labelNames, labels))?.count ?? 0;
  }
  collect(): string {
    let out = this.header();
    for (const { labels, counts, sum, count } of this.values.values()) {
      this.buckets.forEach((le, i) => {
        out += `${this.name}_bucket${labelText({ ...labels, le: formatValue(le) })} ${counts[i]}\n`;
      });
      out += `${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${count}\n`;
      out += `${this.name}_sum${labelText(labels)} ${formatValue(sum)}\n`;
      out += `${this.name}_count${labelText(labels)} ${count}\n`;
    }
    return out;
  }
}

/** A gauge whose samples are read when scraped (queue depths, …). A failing read is skipped, not fatal. */
export class CollectedGauge extends Base {
  private readonly sources: (() => Promise<{ labels: Labels; value: number }[]>)[] = [];
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames, 'gauge');
  }
  /** Adds a source; returns a function that removes it (on shutdown). */
  addSource(read: () => Promise<{ labels: Labels; value: number }[]>): () => void {
    this.sources.push(read);
    return () => {
      const i = this.sources.indexOf(read);
      if (i >= 0) this.sources.splice(i, 1);
    };
  }
  async collect(): Promise<string> {
    let out = this.header();
    const results = await Promise.allSettled(this.sources.map((s) => s()));
    for (const r of results) {
      if (r.status !== 'fulfilled') continue;
      for (const { labels, value } of r.value)
        out += `${this.name}${labelText(pick(this.labelNames, labels))} ${formatValue(value)}\n`;
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();

  /** Returns the metric of that name, creating it on first use (so libs and apps can share one). */
  private getOrAdd<T extends Metric>(name: string, make: () => T, type: new (...a: never[]) => T): T {
    const existing = this.metrics.get(name);
    if (existing) {
      if (!(existing instanceof type)) throw new Error(`metric ${name} exists with another type`);
      return existing;
    }
    const m = make();
    this.metrics.set(name, m);
    return m;
  }
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.getOrAdd(name, () => new Counter(name, help, labelNames), Counter);
  }
  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets?: number[]): Histogram {
    return this.getOrAdd(name, () => new Histogram(name, help, labelNames, buckets), Histogram);
  }
  collectedGauge(name: string, help: string, labelNames: readonly string[] = []): CollectedGauge {
    return this.getOrAdd(name, () => new CollectedGauge(name, help, labelNames), CollectedGauge);
  }
  /** The whole registry in the Prometheus text format. */
  async text(): Promise<string> {
    const parts = await Promise.all([...this.metrics.values()].map((m) => m.collect()));
    return parts.join('');
  }
}

const startedAt = Date.now() / 1000;

/** The process's registry: one per app process. */
export const metrics = new MetricsRegistry();

/** Process metrics every app reports (a subset of prom-client's defaults, same names). */
function registerProcessMetrics(registry: MetricsRegistry): void {
  registry
    .collectedGauge('process_start_time_seconds', 'Start time of the process, Unix seconds')
    .addSource(async () => [{ labels: {}, value: Math.round(startedAt) }]);
  registry
    .collectedGauge('process_resident_memory_bytes', 'Resident memory size in bytes')
    .addSource(async () => [{ labels: {}, value: process.memoryUsage().rss }]);
  registry
    .collectedGauge('nodejs_heap_size_used_bytes', 'Used V8 heap in bytes')
    .addSource(async () => [{ labels: {}, value: process.memoryUsage().heapUsed }]);
}
registerProcessMetrics(metrics);

/** Express-style handler for GET /metrics. */
export async function sendMetrics(
  res: { setHeader(k: string, v: string): unknown; end(body: string): unknown; statusCode: number },
  registry: MetricsRegistry = metrics,
): Promise<void> {
  const body = await registry.text();
  res.statusCode = 200;
  res.setHeader('content-type', METRICS_CONTENT_TYPE);
  res.end(body);
}

/**
 * The metrics listener of a NATS service (which has no HTTP server of its own): GET /metrics only,
 * on KAM_METRICS_HOST:KAM_METRICS_PORT. Resolves once listening.
 */
export async function startMetricsServer(
  port: number,
  host: string,
  registry: MetricsRegistry = metrics,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.statusCode = path === '/metrics' ? 405 : 404;
      res.end();
      return;
    }
    sendMetrics(res, registry).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

type HttpReq = http.IncomingMessage & { route?: { path?: unknown }; baseUrl?: string; originalUrl?: string };

/** Seconds spent on HTTP requests at the gateway, by method, route template and status. */
export function httpRequestDuration(registry: MetricsRegistry = metrics): Histogram {
  return registry.histogram(
    'kam_http_request_duration_seconds',
    'Duration of HTTP requests at the gateway, by method, route template and status code',
    ['method', 'route', 'status'],
  );
}

/**
 * Express middleware timing every request. The route label is the matched route's template
 * (`/api/v1/accounts/:id`), `fallback(req)` for requests no route matched (e.g. the job console's own paths),
 * and `unmatched` otherwise, so a URL full of ids never becomes a label.
 */
export function httpMetrics(
  fallback: (req: HttpReq) => string | undefined = () => undefined,
  registry: MetricsRegistry = metrics,
) {
  const histogram = httpRequestDuration(registry);
  return (req: HttpReq, res: http.ServerResponse, next: () => void): void => {
    const done = histogram.startTimer();
    res.once('finish', () => {
      const template =
        typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : undefined;
      done({
        method: req.method ?? 'GET',
        route: template ?? fallback(req) ?? 'unmatched',
        status: res.statusCode,
      });
    });
    next();
  };
}

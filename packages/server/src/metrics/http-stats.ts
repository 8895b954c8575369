import { Counter, type Metric, type Registry } from 'prom-client';

// Seconds: a signed GET /me takes about a millisecond, a password sign-in (argon2id) tens of them.
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const REQUESTS = 'signet_http_requests_total';
const DURATION = 'signet_http_request_duration_seconds';

interface Series {
  method: string;
  route: string;
  statuses: Map<number, number>;
  /** per bucket, not cumulative; the last one is +Inf */
  buckets: number[];
  sum: number;
  count: number;
}

interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

/**
 * HTTP request counts and durations, kept as plain numbers because they move on every
 * request: recording one is two map lookups and a few additions. prom-client's labelled
 * inc() and observe() hash and validate their labels on every call (a few microseconds
 * together, measured here), so prom-client only renders these numbers at scrape time.
 */
export class HttpStats {
  private readonly byRoute = new Map<string, Map<string, Series>>();

  record(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.byRoute.get(route);
    if (!byMethod) {
      byMethod = new Map();
      this.byRoute.set(route, byMethod);
    }
    let series = byMethod.get(method);
    if (!series) {
      series = {
        method,
        route,
        statuses: new Map(),
        buckets: Array<number>(BUCKETS.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      byMethod.set(method, series);
    }
    series.statuses.set(status, (series.statuses.get(status) ?? 0) + 1);
    let bucket = 0;
    while (bucket < BUCKETS.length && seconds > (BUCKETS[bucket] as number)) bucket++;
    series.buckets[bucket] = (series.buckets[bucket] as number) + 1;
    series.sum += seconds;
    series.count += 1;
  }

  private *series(): Generator<Series> {
    for (const byMethod of this.byRoute.values()) yield* byMethod.values();
  }

  /** The histogram's samples in prom-client's JSON form: cumulative buckets, then sum and count. */
  private durationSamples(): Sample[] {
    const samples: Sample[] = [];
    for (const { method, route, buckets, sum, count } of this.series()) {
      let cumulative = 0;
      buckets.forEach((inBucket, index) => {
        cumulative += inBucket;
        samples.push({
          labels: { method, route, le: BUCKETS[index] ?? '+Inf' },
          value: cumulative,
          metricName: `${DURATION}_bucket`,
        });
      });
      samples.push({ labels: { method, route }, value: sum, metricName: `${DURATION}_sum` });
      samples.push({ labels: { method, route }, value: count, metricName: `${DURATION}_count` });
    }
    return samples;
  }

  /** Adds both metrics to a registry; they read these numbers whenever it is scraped or collected. */
  register(registry: Registry): void {
    const stats = this;
    new Counter({
      name: REQUESTS,
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const { method, route, statuses } of stats.series()) {
          for (const [status, count] of statuses) this.inc({ method, route, status }, count);
        }
      },
    });
    // prom-client has no way to load a Histogram's buckets in bulk; its registries read any
    // metric as a name, a type and get() returning samples (as its own AggregatorRegistry does)
    const help = 'Time from receiving a request to the end of its answer, by method and route pattern.';
    const describe = { name: DURATION, help, type: 'histogram', aggregator: 'sum' } as const;
    registry.registerMetric({
      ...describe,
      get: async () => ({ ...describe, values: this.durationSamples() }),
    } as unknown as Metric);
  }
}

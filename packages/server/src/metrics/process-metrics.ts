import { Counter, Gauge, type Registry } from 'prom-client';

/*
 * The process metrics, read only when Prometheus scrapes. prom-client's collectDefaultMetrics
 * also starts a GC observer and an event-loop delay monitor that run all the time: on a
 * bearer `GET /me` they cost about 6 µs a request, a third of the request (measured with
 * bench's CPU-per-request probe). Here the same names are computed at scrape time instead;
 * GC durations are not reported, and the event-loop lag is one sample taken at the scrape.
 */

function cpuCounter(registry: Registry, name: string, help: string, read: (usage: NodeJS.CpuUsage) => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read(process.cpuUsage()) / 1e6);
    },
  });
}

function gauge(
  registry: Registry,
  name: string,
  help: string,
  read: () => number,
  aggregator: 'sum' | 'max' | 'min' = 'sum',
): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    aggregator,
    collect() {
      this.set(read());
    },
  });
}

/** How long a callback queued now waits for the event loop, in seconds. */
function eventLoopLag(): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => setImmediate(() => resolve(Number(process.hrtime.bigint() - start) / 1e9)));
}

export function registerProcessMetrics(registry: Registry): void {
  cpuCounter(
    registry,
    'process_cpu_user_seconds_total',
    'Total user CPU time spent in seconds.',
    (usage) => usage.user,
  );
  cpuCounter(
    registry,
    'process_cpu_system_seconds_total',
    'Total system CPU time spent in seconds.',
    (usage) => usage.system,
  );
  cpuCounter(
    registry,
    'process_cpu_seconds_total',
    'Total user and system CPU time spent in seconds.',
    (usage) => usage.user + usage.system,
  );
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  gauge(
    registry,
    'process_start_time_seconds',
    'Start time of the process since unix epoch in seconds.',
    () => startSeconds,
    'min',
  );
  gauge(registry, 'process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
  gauge(
    registry,
    'nodejs_heap_size_total_bytes',
    'Process heap size from Node.js in bytes.',
    () => process.memoryUsage().heapTotal,
  );
  gauge(
    registry,
    'nodejs_heap_size_used_bytes',
    'Process heap size used from Node.js in bytes.',
    () => process.memoryUsage().heapUsed,
  );
  gauge(
    registry,
    'nodejs_external_memory_bytes',
    'Node.js external memory size in bytes.',
    () => process.memoryUsage().external,
  );
  new Gauge({
    name: 'nodejs_eventloop_lag_seconds',
    help: 'Lag of event loop in seconds, sampled when scraped.',
    registers: [registry],
    aggregator: 'max',
    async collect() {
      this.set(await eventLoopLag());
    },
  });
}

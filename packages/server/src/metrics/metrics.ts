import { Counter, Registry } from 'prom-client';
import type { TokenFailure } from '../errors/oauth.js';
import { HttpStats } from './http-stats.js';
import { registerProcessMetrics } from './process-metrics.js';

/** The route label of a request no route matched: one value, however many paths are probed. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The grant label of Mixin's JSON code exchange (the standard form is labelled by its grant_type). */
export const PLATFORM_GRANT = 'platform_code';

/** What the domain code counts, without knowing about Prometheus or Fastify. */
export interface Metrics {
  /** One answered HTTP request; `route` is the route's pattern (`/users/:id`) or UNMATCHED_ROUTE. */
  response(method: string, route: string, status: number, seconds: number): void;
  /** A successful POST /oauth/token, by grant type (or PLATFORM_GRANT). */
  tokenIssued(grantType: string): void;
  /** A token refused while verifying it, by the reason the verifier gave. */
  tokenRefused(reason: TokenFailure): void;
  /** Every registry this process reports: the app's own and the process-wide one. */
  registries(): Registry[];
  /** This process's metrics in the Prometheus text format. */
  render(): Promise<string>;
}

let processWide: Registry | undefined;

/**
 * The process metrics (CPU, memory, event loop) describe the process, not an app: one
 * registry per process, made on first use, however many apps a test process builds.
 */
function processRegistry(): Registry {
  if (!processWide) {
    processWide = new Registry();
    registerProcessMetrics(processWide);
  }
  return processWide;
}

/**
 * A fresh set of counters in its own registry (never prom-client's global one: a test
 * process builds many apps). `served`: GET /metrics exists, so the process metrics are
 * registered (they are read only when scraped).
 */
export function createMetrics(served: boolean): Metrics {
  if (served) processRegistry();
  const registry = new Registry();
  const http = new HttpStats();
  http.register(registry);
  const issued = new Counter({
    name: 'signet_tokens_issued_total',
    help: 'Successful POST /oauth/token answers, by grant type (platform_code: the Mixin JSON form).',
    labelNames: ['grant_type'] as const,
    registers: [registry],
  });
  const refused = new Counter({
    name: 'signet_token_verification_failures_total',
    help: 'Access tokens and signed requests refused, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const registries = () => [registry, processRegistry()];
  return {
    response: (method, route, status, seconds) => http.record(method, route, status, seconds),
    tokenIssued: (grantType) => issued.inc({ grant_type: grantType }),
    tokenRefused: (reason) => refused.inc({ reason }),
    registries,
    render: () => Registry.merge(registries()).metrics(),
  };
}

/** The Prometheus text format's content type, as prom-client writes it. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

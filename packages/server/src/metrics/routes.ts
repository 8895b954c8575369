import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { SignetError } from '../errors/errors.js';
import { unencapsulated } from '../plugins/unencapsulated.js';
import { bearerToken } from '../tokens/authenticate.js';
import { InvalidTokenError } from '../tokens/errors.js';
import { matchesSha256Hex, sha256Hex } from '../tokens/opaque.js';
import { METRICS_CONTENT_TYPE, type Metrics, UNMATCHED_ROUTE } from './metrics.js';

export interface MetricsRouteOptions {
  metrics: Metrics;
  /** when set, a scrape must send it as a bearer token */
  token: string | undefined;
  /** the text a scrape answers: this process's, or the whole worker group's (metrics/group.ts) */
  scrape: () => Promise<string>;
}

/**
 * The per-request hook, the verification-failure count and GET /metrics. Unencapsulated,
 * so its hooks see every route; registered before the route collector, so /metrics is an
 * operator's endpoint beside /healthz, not part of the API in /openapi.json.
 */
export const metricsRoutes = unencapsulated(async (app: FastifyInstance, options: MetricsRouteOptions) => {
  const { metrics } = options;

  // the hot path: one callback-style hook, labels straight from the matched route, nothing awaited
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    metrics.response(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // onError runs before whichever error handler renders the answer (platform or RFC 6749 form)
  app.addHook('onError', (_request: FastifyRequest, _reply: FastifyReply, error: FastifyError | SignetError, done: HookHandlerDoneFunction) => {
    if (error instanceof InvalidTokenError) metrics.tokenRefused(error.reason);
    done();
  });

  const expected = options.token === undefined ? undefined : sha256Hex(options.token);
  app.get('/metrics', async (request, reply) => {
    if (expected) {
      const given = bearerToken(request);
      if (given === undefined || !matchesSha256Hex(expected, given)) {
        throw new SignetError(401, 'Unauthorized: /metrics needs its bearer token.', { headers: { 'WWW-Authenticate': 'Bearer realm="signet-metrics"' } });
      }
    }
    const text = await options.scrape();
    return reply.header('Content-Type', METRICS_CONTENT_TYPE).header('Cache-Control', 'no-store').send(text);
  });
});

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Forbidden, Unauthorized } from '../errors/platform.js';
import { InvalidToken } from '../errors/oauth.js';
import type { SignetError } from '../errors/signet-error.js';
import { unencapsulated } from '../plugins/unencapsulated.js';
import { bearerToken } from '../tokens/authenticate.js';
import { matchesSha256Hex, sha256Hex } from '../tokens/opaque.js';
import { METRICS_CONTENT_TYPE, type Metrics, UNMATCHED_ROUTE } from './metrics.js';

export interface MetricsRouteOptions {
  metrics: Metrics;
  /**
   * Who may scrape: anyone (`METRICS=open`), or the holder of the bearer token; with no token
   * set nobody may, since metrics name routes, counts and memory an outsider has no need of.
   */
  access: 'open' | { token: string | undefined };
  /** the text a scrape answers: this process's, or the whole worker group's (metrics/group.ts) */
  scrape: () => Promise<string>;
}

/** What a scrape must pass, decided once from the configuration; undefined when it is open. */
function scrapeCheck(access: MetricsRouteOptions['access']): ((request: FastifyRequest) => void) | undefined {
  if (access === 'open') return undefined;
  if (access.token === undefined) {
    return () => {
      throw new Forbidden(
        'Forbidden: /metrics is closed. Set METRICS_TOKEN and scrape with Authorization: Bearer <token>, or set METRICS=open to serve it to anyone.',
      );
    };
  }
  const expected = sha256Hex(access.token);
  return (request) => {
    const given = bearerToken(request.headers);
    if (given === undefined || !matchesSha256Hex(expected, given)) {
      throw new Unauthorized('Unauthorized: /metrics needs its bearer token.', {
        'WWW-Authenticate': 'Bearer realm="signet-metrics"',
      });
    }
  };
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
    metrics.response(
      request.method,
      request.routeOptions.url ?? UNMATCHED_ROUTE,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  // onError runs before whichever error handler renders the answer (platform or RFC 6749 form)
  app.addHook(
    'onError',
    (
      _request: FastifyRequest,
      _reply: FastifyReply,
      error: FastifyError | SignetError,
      done: HookHandlerDoneFunction,
    ) => {
      if (error instanceof InvalidToken) metrics.tokenRefused(error.reason);
      done();
    },
  );

  const check = scrapeCheck(options.access);
  app.get('/metrics', async (request, reply) => {
    check?.(request);
    const text = await options.scrape();
    return reply.header('Content-Type', METRICS_CONTENT_TYPE).header('Cache-Control', 'no-store').send(text);
  });
});

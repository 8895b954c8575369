import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type Config, isHttpsIssuer } from './config/schema.js';
import { authorizationsRoutes } from './consent/authorizations-routes.js';
import { deviceApiRoutes } from './consent/device-routes.js';
import { defaultScopeRegistry } from './consent/scopes.js';
import type { RouteContext } from './context.js';
import { NotFound } from './errors/platform.js';
import { handleError } from './errors/handler.js';
import { healthRoutes } from './health/routes.js';
import { throttleClientAuthentication } from './plugins/client-auth-throttle.js';
import { introspectRoutes } from './oauth/introspect-routes.js';
import { metadataRoutes } from './oauth/metadata-routes.js';
import { revokeRoutes } from './oauth/revoke-routes.js';
import { profileRoutes } from './resources/profile-routes.js';
import { ledgerRoutes } from './ledger/routes.js';
import { type Metrics, createMetrics } from './metrics/metrics.js';
import { metricsRoutes } from './metrics/routes.js';
import { tokenRoutes } from './oauth/token/routes.js';
import { keepRawJsonBody } from './plugins/raw-body.js';
import { accountRoutes } from './accounts/routes.js';
import { accountPageRoutes } from './accounts/account-routes.js';
import { docsRoutes } from './docs/routes.js';
import { routeCollector } from './plugins/route-collector.js';
import { signupRoutes } from './accounts/signup-routes.js';
import { appLogoRoutes } from './apps/routes.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { authorizeRoutes } from './oauth/authorize/routes.js';
import { csrfPlugin } from './plugins/csrf.js';
import { strictTransportSecurity } from './plugins/hsts.js';
import { viewsRoutes } from './plugins/views.js';
import { webSessionPlugin } from './plugins/web-session.js';
import type { Storage } from './storage/database.js';
import type { Clock, Kv } from './storage/kv/index.js';

export interface AppDeps {
  storage: Storage;
  kv: Kv;
  clock: Clock;
  /** made by the caller when it must reach them too (a cluster worker reports them to its primary) */
  metrics?: Metrics;
  /** what GET /metrics answers; this process's own metrics unless a worker asks its primary for the group's */
  scrapeMetrics?: () => Promise<string>;
  /** the process's logger, shared with its stores (main.ts); else the app makes its own */
  log?: FastifyBaseLogger;
}

type RouteModule = (app: FastifyInstance, context: RouteContext) => Promise<void>;

/** Every HTTP route module, in registration order; each is a Fastify plugin taking the RouteContext. */
const routeModules: RouteModule[] = [
  // first: it records every route registered after it, for /openapi.json
  routeCollector,
  webSessionPlugin,
  csrfPlugin,
  viewsRoutes,
  accountRoutes,
  accountPageRoutes,
  docsRoutes,
  signupRoutes,
  dashboardRoutes,
  appLogoRoutes,
  authorizeRoutes,
  tokenRoutes,
  revokeRoutes,
  introspectRoutes,
  metadataRoutes,
  deviceApiRoutes,
  authorizationsRoutes,
  profileRoutes,
  ledgerRoutes,
];

/** Fastify's types take a hop count only as a function: trust the first `hops` proxies. */
function proxyTrust(setting: Config['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

function loggerOptions(
  config: Config,
  log: FastifyBaseLogger | undefined,
): { logger: false | { level: string } } | { loggerInstance: FastifyBaseLogger } {
  // silent: no logger at all, rather than a child logger per request that writes nothing
  if (config.logLevel === 'silent') return { logger: false };
  return log ? { loggerInstance: log } : { logger: { level: config.logLevel } };
}

/** Builds the server without listening: tests drive it with inject(), main.ts listens. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggerOptions(config, deps.log),
    // Mixin clients send X-Request-Id; it becomes the log's request id and is echoed back.
    requestIdHeader: 'x-request-id',
    trustProxy: proxyTrust(config.trustProxy),
    return503OnClosing: true,
  });
  const metrics = deps.metrics ?? createMetrics(config.metrics !== 'off');
  const context: RouteContext = {
    config,
    storage: deps.storage,
    db: deps.storage.db,
    hot: deps.storage.hot,
    kv: deps.kv,
    clock: deps.clock,
    scopes: defaultScopeRegistry(),
    metrics,
  };

  // a callback hook, not async: it runs on every answer, and has nothing to wait for
  app.addHook('onSend', (request, reply, payload, done) => {
    const requestId = request.headers['x-request-id'];
    if (typeof requestId === 'string') void reply.header('X-Request-Id', requestId);
    done(null, payload);
  });
  // decided once: an http deployment (local development) gets no hook at all
  if (isHttpsIssuer(config.issuer)) app.addHook('onSend', strictTransportSecurity);
  // another instance's revocation (or profile edit) reaches this one's cached reads
  const stopListening = await deps.storage.hot.listen(deps.kv);
  app.addHook('onClose', async () => stopListening());
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => handleError(new NotFound(), request, reply));

  keepRawJsonBody(app);
  await app.register(formbody);
  await app.register(cookie);
  // before every route, so its hooks cover them all (the health probes and the 404 handler too)
  if (config.metrics !== 'off') {
    const access = config.metrics === 'open' ? 'open' : { token: config.metricsToken };
    await app.register(metricsRoutes, { metrics, access, scrape: deps.scrapeMetrics ?? metrics.render });
  }
  await app.register(healthRoutes, { db: deps.storage.db });
  if (config.rateLimits) throttleClientAuthentication(app, deps);
  for (const routes of routeModules) await app.register(routes, context);
  return app;
}

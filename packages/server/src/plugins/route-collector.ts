import type { FastifyInstance, FastifySchema, HTTPMethods, RouteOptions } from 'fastify';
import type { RouteContext } from '../context.js';
import { unencapsulated } from './unencapsulated.js';
import type { RouteDocs } from '../docs/route-docs.js';

/**
 * The documentation keys a route may put in its `schema` (the names @fastify/swagger
 * reads too). Fastify itself compiles only body, querystring, params, headers and
 * response, and ignores these.
 */
declare module 'fastify' {
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
  }
  interface FastifyInstance {
    signetRoutes: RegisteredRoute[];
  }
}

/** One route as Fastify registered it: what /openapi.json is generated from. */
export interface RegisteredRoute {
  method: HTTPMethods;
  /** Fastify's form: `/users/:id` */
  url: string;
  schema: FastifySchema | undefined;
  /** the shapes it documents in `config.openapi` (see route-docs.ts) */
  docs: RouteDocs | undefined;
}

function methodsOf(route: RouteOptions): HTTPMethods[] {
  return Array.isArray(route.method) ? [...route.method] : [route.method as HTTPMethods];
}

/**
 * Records every route registered after it. It must come first among the route modules:
 * Fastify runs an `onRoute` hook only for routes added after the hook.
 */
export const routeCollector = unencapsulated(async (app: FastifyInstance, _context: RouteContext) => {
  const routes: RegisteredRoute[] = [];
  app.decorate('signetRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of methodsOf(route))
      routes.push({ method, url: route.url, schema: route.schema, docs: route.config?.openapi });
  });
});

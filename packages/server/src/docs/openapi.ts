import { readFileSync } from 'node:fs';
import type { ScopeRegistry } from '../consent/scopes.js';
import type { RegisteredRoute } from '../plugins/route-collector.js';
import { OAuthError, PlatformError, type RouteDocs } from './route-docs.js';
import { type Auth, routeNotes } from './route-summaries.js';

type Json = Record<string, unknown>;

// Resolved from the package root, the same from src/docs (tests) and dist/docs (built).
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Hand-written: how callers authenticate (PROTOCOL.md §7, §9). */
function securitySchemes(issuer: string, scopes: ScopeRegistry): Json {
  const scopeMap = Object.fromEntries(scopes);
  return {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description: 'An opaque access token from POST /oauth/token (RFC 6750).',
    },
    signedRequest: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'A compact JWS (alg EdDSA) signed afresh for every request with an ed25519 key: an OAuth token (iss = client_id, aid = authorization_id, scp) or a session token (uid, sid, scp FULL). Claims sig = hex SHA-256 of METHOD + path?query + body (the bytes as sent: a signed request may carry only a JSON body), jti = the X-Request-Id, iat, exp.',
    },
    clientBasic: {
      type: 'http',
      scheme: 'basic',
      description:
        'client_id and client_secret (client_secret_basic); client_secret_post and public clients (none) also work.',
    },
    oauth2: {
      type: 'oauth2',
      flows: {
        authorizationCode: {
          authorizationUrl: `${issuer}/oauth/authorize`,
          tokenUrl: `${issuer}/oauth/token`,
          refreshUrl: `${issuer}/oauth/token`,
          scopes: scopeMap,
        },
      },
    },
  };
}

const SECURITY: Record<Auth, Json[] | undefined> = {
  client: [{ clientBasic: [] }, {}],
  api: [{ bearer: [] }, { signedRequest: [] }],
  session: [{ signedRequest: [] }],
  browser: undefined,
};

/** `/users/:id` -> `/users/{id}` and its path parameter names. */
function openApiPath(url: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = url.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

function jsonSchemaProperties(schema: unknown): [string, unknown, boolean][] {
  if (typeof schema !== 'object' || schema === null) return [];
  const { properties, required } = schema as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(properties ?? {}).map(([name, value]) => [name, value, (required ?? []).includes(name)]);
}

const ERROR_SCHEMAS: Record<RouteDocs['errors'], Json> = {
  platform: { $ref: '#/components/schemas/PlatformError' },
  oauth: { $ref: '#/components/schemas/OAuthError' },
  both: { oneOf: [{ $ref: '#/components/schemas/PlatformError' }, { $ref: '#/components/schemas/OAuthError' }] },
};

const ERROR_NOTES: Record<RouteDocs['errors'], string> = {
  platform:
    'The platform error envelope: HTTP 202 when the request sent X-Request-Id, otherwise the real status (PROTOCOL.md §1).',
  oauth: 'An RFC 6749 §5.2 error body with its HTTP status.',
  both: 'The platform envelope for the JSON form, an RFC 6749 §5.2 body for the form-urlencoded form.',
};

/** requestBody and responses from the shapes a route documents in `config.openapi`. */
function documentedShapes(docs: RouteDocs): Json {
  const responses: Json = Object.fromEntries(
    Object.entries(docs.responses).map(([status, body]) => [
      status,
      { description: status, ...(body ? { content: { 'application/json': { schema: body } } } : {}) },
    ]),
  );
  responses.default = {
    description: ERROR_NOTES[docs.errors],
    content: { 'application/json': { schema: ERROR_SCHEMAS[docs.errors] } },
  };
  const body = docs.body ? Object.entries(docs.body) : [];
  return {
    ...(body.length > 0
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(body.map(([type, schema]) => [type, { schema }])),
          },
        }
      : {}),
    responses,
  };
}

/** Turns what a route declared in `schema` and `config.openapi` into an OpenAPI operation. */
function operation(
  method: string,
  path: string,
  pathParams: string[],
  schema: RegisteredRoute['schema'],
  docs: RouteDocs | undefined,
): Json {
  const note = routeNotes[`${method} ${path}`];
  const declaredParams = new Map(jsonSchemaProperties(schema?.params).map(([name, value]) => [name, value]));
  const parameters = [
    ...pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: declaredParams.get(name) ?? { type: 'string' },
    })),
    ...jsonSchemaProperties(schema?.querystring ?? docs?.query).map(([name, value, required]) => ({
      name,
      in: 'query',
      required,
      schema: value,
    })),
  ];
  const responses =
    schema?.response && typeof schema.response === 'object'
      ? Object.fromEntries(
          Object.entries(schema.response).map(([status, body]) => [
            status,
            { description: status, content: { 'application/json': { schema: body } } },
          ]),
        )
      : { default: { description: 'See the quick details page (/docs) for both error conventions.' } };
  const security = note?.auth ? SECURITY[note.auth] : undefined;
  return {
    operationId: `${method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: schema?.summary ?? note?.summary ?? `${method} ${path}`,
    ...(schema?.description ? { description: schema.description } : {}),
    tags: [...(schema?.tags ?? note?.tags ?? ['other'])],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(schema?.body ? { requestBody: { content: { 'application/json': { schema: schema.body } } } } : {}),
    responses,
    ...(docs ? documentedShapes(docs) : {}),
    ...(security ? { security } : {}),
  };
}

/**
 * OpenAPI 3.1 from the routes Fastify registered: every path and method, and whatever a
 * route declared in `schema` or documented in `config.openapi`. HEAD twins of GET routes are left out.
 */
export function openApiDocument(routes: readonly RegisteredRoute[], issuer: string, scopes: ScopeRegistry): Json {
  const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.url));
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    if (route.method === 'HEAD' && gets.has(route.url)) continue;
    const { path, params } = openApiPath(route.url);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route.method, path, params, route.schema, route.docs);
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Signet',
      version: VERSION,
      description:
        'Generated from the routes this server registered. Paths, methods and declared schemas are exact; summaries of routes without a schema and the security schemes are hand-written. The wire contract is PROTOCOL.md; /docs explains both dialects.',
    },
    servers: [{ url: issuer }],
    paths: sorted,
    components: { schemas: { PlatformError, OAuthError }, securitySchemes: securitySchemes(issuer, scopes) },
  };
}

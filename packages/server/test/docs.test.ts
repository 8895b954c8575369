import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/apps/service.js';
import { basic } from './token-fixture.js';
import { type WebHarness, startWebHarness } from './web.js';

const ISSUER = 'https://auth.docs-test.example:8443/signet';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
}
interface Operation {
  parameters?: { name: string; in: string; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

/** The names a real answer uses that its documented object shape lacks, and the required ones it misses. */
function drift(schema: JsonSchema, value: Record<string, unknown>): string[] {
  const declared = Object.keys(schema.properties ?? {});
  return [
    ...Object.keys(value)
      .filter((key) => !declared.includes(key))
      .map((key) => `undocumented ${key}`),
    ...(schema.required ?? []).filter((key) => !(key in value)).map((key) => `missing ${key}`),
  ];
}

/** Every (method, path) Fastify routes, read from its own route tree: independent of the collector under test. */
function registeredRoutes(app: FastifyInstance): [string, string][] {
  const stack: string[] = [];
  const routes: [string, string][] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    const path = `${stack.join('')}${match[2]}`;
    stack.push(match[2] ?? '');
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) routes.push([method, path]);
  }
  return routes;
}

describe('developer docs', () => {
  let h: WebHarness;

  beforeAll(async () => {
    h = await startWebHarness({ ISSUER });
  });
  afterAll(async () => h?.close());

  it('lists this deployment’s endpoints, grants, PKCE methods, lifetimes and both error conventions', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    for (const path of [
      '/oauth/authorize',
      '/oauth/token',
      '/oauth/revoke',
      '/oauth/introspect',
      '/.well-known/oauth-authorization-server',
      '/me',
      '/openapi.json',
    ]) {
      expect(page.body).toContain(`${ISSUER}${path}`);
    }
    expect(page.body).not.toContain('https://signet.test');
    for (const grant of ['authorization_code', 'refresh_token', 'client_credentials'])
      expect(page.body).toContain(`grant_type=${grant}`);
    expect(page.body).toContain('code_challenge_method=S256');
    for (const lifetime of ['10 minutes', '1 hour', '30 days', '365 days', '5 minutes'])
      expect(page.body).toContain(lifetime);
    expect(page.body).toContain('Request-signed token after its iat</td><td>10 minutes');
    expect(page.body).toContain('&quot;error&quot;:{&quot;status&quot;:202,&quot;code&quot;:401');
    expect(page.body).toContain('&quot;error&quot;:&quot;invalid_grant&quot;');
  });

  it('shows the error examples as this server really answers them', async () => {
    const withId = await h.app.inject({
      method: 'GET',
      url: '/me',
      headers: { 'x-request-id': 'f4a4e1f6-0000-4000-8000-000000000001' },
    });
    expect(withId.statusCode).toBe(202);
    expect(withId.json()).toMatchObject({
      error: { status: 202, code: 401, description: 'Unauthorized, maybe invalid token.' },
    });
    const plain = await h.app.inject({ method: 'GET', url: '/me' });
    expect(plain.statusCode).toBe(401);
    expect(plain.headers['www-authenticate']).toBe(
      'Bearer realm="signet", error="invalid_token", error_description="no access token"',
    );
    const example = (await h.app.inject({ method: 'GET', url: '/docs' })).body;
    expect(example).toContain(JSON.stringify(plain.json()).replace(/"/g, '&quot;'));
    const { app, clientSecret } = await createApp(
      { db: h.db, clock: h.clock },
      { name: 'Docs App', ownerId: h.userId, redirectUris: ['https://docs.example/cb'] },
    );
    const spent = await h.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(app.client_id, clientSecret ?? ''),
      },
      payload: 'grant_type=authorization_code&code=spent',
    });
    expect(spent.statusCode).toBe(400);
    const page = (await h.app.inject({ method: 'GET', url: '/docs' })).body;
    expect(page).toContain(JSON.stringify(spent.json()).replace(/"/g, '&quot;'));
  });

  it('lists the scopes of the live registry', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/docs/scopes' });
    expect(page.statusCode).toBe(200);
    for (const scope of ['PROFILE:READ', 'PHONE:READ', 'ASSETS:READ', 'SNAPSHOTS:READ'])
      expect(page.body).toContain(`<code>${scope}</code>`);
  });

  it('walks through both dialects with this deployment’s URLs', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/docs/walkthrough' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`${ISSUER}/oauth/authorize?client_id=CLIENT_ID`);
    expect(page.body).toContain('code_verifier=$VERIFIER');
    expect(page.body).toContain('oauth.getToken');
    expect(page.body).toContain(`baseURL: &#39;${ISSUER}&#39;`);
    expect(page.body).toContain('user.user.profile()');
  });

  it('serves an OpenAPI 3.1 document with every registered route', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const doc = JSON.parse(response.body) as {
      openapi: string;
      servers: { url: string }[];
      paths: Record<
        string,
        Record<string, { summary: string; parameters?: { name: string; in: string }[]; security?: unknown[] }>
      >;
      components: { securitySchemes: Record<string, { type: string }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: ISSUER }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'bearer',
      'clientBasic',
      'oauth2',
      'signedRequest',
    ]);

    const routes = registeredRoutes(h.app);
    expect(routes.length).toBeGreaterThan(20);
    // health probes and metrics are registered before the collector and are for operators, not clients
    const operational = ['/healthz', '/readyz', '/metrics'];
    expect(routes).toContainEqual(['GET', '/metrics']);
    for (const path of operational) expect(doc.paths[path]).toBeUndefined();
    const documented = routes.filter(([method, path]) => method !== 'HEAD' && !operational.includes(path));
    for (const [method, path] of documented) {
      const openApiPath = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(doc.paths[openApiPath]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
    }
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(operations).toBe(documented.length);

    expect(doc.paths['/users/{id}']?.get?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(doc.paths['/me']?.get?.security).toEqual([{ bearer: [] }, { signedRequest: [] }]);
    // a summary a route declared in its own schema wins
    expect(doc.paths['/account/apps/revoke']?.post?.summary).toMatch(/^Revoke an app/);
  });

  it('documents request and response shapes from what the routes declare', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, JsonSchema> };
    }>();
    const op = (method: string, path: string): Operation => {
      const found = doc.paths[path]?.[method];
      if (!found) throw new Error(`${method} ${path} is not documented`);
      return found;
    };
    const ok = (method: string, path: string) =>
      op(method, path).responses['200']?.content?.['application/json']?.schema;
    const dataProps = (method: string, path: string) => {
      const data = ok(method, path)?.properties?.data;
      return Object.keys((data?.type === 'array' ? data.items : data)?.properties ?? {});
    };

    const transfer = op('post', '/transfers');
    expect(transfer.requestBody?.content['application/json']?.schema.properties?.amount?.type).toBe('string');
    expect(transfer.requestBody?.content['application/json']?.schema.required).toEqual(
      expect.arrayContaining(['asset_id', 'opponent_id', 'amount', 'trace_id']),
    );
    expect(dataProps('post', '/transfers')).toContain('snapshot_id');
    for (const path of ['/me', '/users/{id}'])
      expect(dataProps('get', path)).toEqual(expect.arrayContaining(['user_id', 'identity_number', 'phone']));
    expect(dataProps('get', '/assets')).toContain('balance');
    expect(dataProps('get', '/assets/{id}')).toContain('balance');
    for (const path of ['/assets/{id}/snapshots', '/snapshots'])
      expect(dataProps('get', path)).toContain('closing_balance');
    expect(
      op('get', '/snapshots')
        .parameters?.filter((p) => p.in === 'query')
        .map((p) => p.name),
    ).toEqual(['limit', 'offset', 'order', 'asset']);
    expect(op('get', '/authorizations').parameters).toEqual([
      expect.objectContaining({ name: 'app', in: 'query', required: false }),
    ]);
    expect(dataProps('get', '/authorizations')).toContain('accessed_at');
    expect(op('post', '/oauth/cancel').requestBody?.content['application/json']?.schema.required).toEqual([
      'client_id',
    ]);
    expect(dataProps('get', '/codes/{codeId}')).toContain('code_id');
    expect(op('post', '/oauth/authorize').requestBody?.content['application/json']?.schema.required).toEqual([
      'authorization_id',
      'scopes',
    ]);

    const token = op('post', '/oauth/token');
    expect(Object.keys(token.requestBody?.content ?? {}).sort()).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
    ]);
    expect(token.requestBody?.content['application/json']?.schema.required).toEqual(['client_id', 'code']);
    expect(token.requestBody?.content['application/x-www-form-urlencoded']?.schema.required).toEqual(['grant_type']);
    expect(ok('post', '/oauth/token')?.anyOf).toHaveLength(2);
    expect(
      op('post', '/oauth/revoke').requestBody?.content['application/x-www-form-urlencoded']?.schema.required,
    ).toEqual(['token']);
    expect(op('post', '/oauth/revoke').responses['200']).toEqual({ description: '200' });
    expect(ok('post', '/oauth/introspect')?.anyOf?.map((s) => Object.keys(s.properties ?? {}).length)).toEqual([1, 8]);

    // both error bodies are shared components, each route pointing at the one it answers with
    const platformError = doc.components.schemas.PlatformError;
    expect(Object.keys(platformError?.properties?.error?.properties ?? {})).toEqual([
      'status',
      'code',
      'description',
      'extra',
      'request_id',
    ]);
    expect(Object.keys(doc.components.schemas.OAuthError?.properties ?? {})).toEqual(['error', 'error_description']);
    const errorRef = (method: string, path: string) =>
      op(method, path).responses.default?.content?.['application/json']?.schema;
    expect(errorRef('get', '/me')).toEqual({ $ref: '#/components/schemas/PlatformError' });
    expect(errorRef('post', '/oauth/introspect')).toEqual({ $ref: '#/components/schemas/OAuthError' });
    expect(errorRef('post', '/oauth/token')?.oneOf).toHaveLength(2);

    // the shapes describe what the server really sends
    const metadata = await h.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    const metadataSchema = ok('get', '/.well-known/oauth-authorization-server');
    expect(metadataSchema && drift(metadataSchema, metadata.json())).toEqual([]);
    const unauthorized = await h.app.inject({
      method: 'GET',
      url: '/me',
      headers: { 'x-request-id': 'f4a4e1f6-0000-4000-8000-000000000002' },
    });
    expect(platformError && drift(platformError, unauthorized.json())).toEqual([]);
    expect(
      drift(platformError?.properties?.error ?? {}, unauthorized.json<{ error: Record<string, unknown> }>().error),
    ).toEqual([]);
    const badGrant = await h.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=nonsense',
    });
    expect(drift(doc.components.schemas.OAuthError ?? {}, badGrant.json())).toEqual([]);
  });
});

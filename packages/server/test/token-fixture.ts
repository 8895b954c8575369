import { type AuthorizationRow, findAuthorization } from '../src/tokens/repo.js';
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { UserRow } from '../src/accounts/repo.js';
import { createUser } from '../src/accounts/service.js';
import { buildApp } from '../src/app.js';
import type { RedirectUriMatch } from '../src/apps/redirects.js';
import { createApp } from '../src/apps/service.js';
import { loadConfig } from '../src/config/load.js';
import { recordGrant } from '../src/consent/grants.js';
import { issueCode } from '../src/oauth/codes.js';
import { MemoryKv } from '../src/storage/kv/index.js';
import { lookupAccessToken } from '../src/tokens/service.js';
import { type TestDatabase, openTestDatabase } from './backends.js';
import { TestClock } from './clock.js';

export const REDIRECT_URI = 'https://app.example/cb';

export interface TestApp {
  clientId: string;
  /** undefined for a public app */
  secret: string | undefined;
}

export interface CodeOptions {
  /** `true` makes a fresh RFC 7636 verifier and its challenge */
  pkce?: boolean;
  /** a challenge the client made itself (the verifier stays with the client) */
  challenge?: string;
  /** what authorize received; default: nothing (the registered URI was used) */
  redirectUriSent?: string;
  /** how authorize allowed the redirect URI; default: `exact` */
  redirectUriMatch?: RedirectUriMatch;
  scopes?: string[];
  userId?: string;
}

export interface IssuedCode {
  code: string;
  authorizationId: string;
  verifier: string | undefined;
}

/** One database, one app instance and a cast of apps and a user, for the token endpoint tests. */
export interface TokenFixture {
  database: TestDatabase;
  app: FastifyInstance;
  clock: TestClock;
  kv: MemoryKv;
  deps: { db: TestDatabase['storage']['db']; hot: TestDatabase['storage']['hot']; clock: TestClock; kv: MemoryKv };
  user: UserRow;
  confidential: TestApp;
  other: TestApp;
  publicApp: TestApp;
  code(app: TestApp, options?: CodeOptions): Promise<IssuedCode>;
  /** Is this access token still active (not revoked, expired, or under a revoked authorization)? */
  isActive(accessToken: string): Promise<boolean>;
  /** The authorization row as stored now. */
  authorizationRow(authorizationId: string): Promise<AuthorizationRow | undefined>;
  close(): Promise<void>;
}

/** RFC 7636 §4.2 S256 over the verifier's ASCII. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') };
}

/** `open` picks the backend (see backends.ts); by default the one cross-domain tests use. */
export async function tokenFixture(
  env: Record<string, string> = {},
  clock = new TestClock(),
  open: () => Promise<TestDatabase> = openTestDatabase,
): Promise<TokenFixture> {
  const database = await open();
  const kv = new MemoryKv(clock);
  const deps = { db: database.storage.db, hot: database.storage.hot, clock, kv };
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', ...env }), { storage: database.storage, kv, clock });
  const user = await createUser(deps, {
    username: `alice${randomBytes(3).toString('hex')}`,
    password: 'correct horse battery',
  });
  const makeApp = async (name: string, type: 'confidential' | 'public'): Promise<TestApp> => {
    const created = await createApp(deps, { name, ownerId: user.user_id, redirectUris: [REDIRECT_URI], type });
    return { clientId: created.app.client_id, secret: created.clientSecret };
  };
  const confidential = await makeApp('Confidential', 'confidential');
  const other = await makeApp('Other', 'confidential');
  const publicApp = await makeApp('Public', 'public');

  return {
    database,
    app,
    clock,
    kv,
    deps,
    user,
    confidential,
    other,
    publicApp,
    async code(client, options = {}) {
      const scopes = options.scopes ?? ['PROFILE:READ', 'PHONE:READ'];
      const userId = options.userId ?? user.user_id;
      await recordGrant(deps, userId, client.clientId, scopes);
      const pair = options.pkce ? pkcePair() : undefined;
      const issued = await issueCode(deps, {
        clientId: client.clientId,
        userId,
        redirectUri: options.redirectUriSent ?? REDIRECT_URI,
        redirectUriMatch: options.redirectUriMatch ?? 'exact',
        redirectUriSent: options.redirectUriSent,
        codeChallenge: options.challenge ?? pair?.challenge,
        scopes,
      });
      return { ...issued, verifier: pair?.verifier };
    },
    async isActive(accessToken) {
      return (await lookupAccessToken(deps, accessToken))?.active ?? false;
    },
    authorizationRow(authorizationId) {
      return findAuthorization(deps.db, authorizationId);
    },
    async close() {
      await app.close();
      await kv.close();
      await database.cleanup();
    },
  };
}

export function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** A standard-form POST; `auth` sends HTTP Basic. */
export function postForm(
  app: FastifyInstance,
  url: string,
  fields: Record<string, string | undefined>,
  auth?: TestApp,
): Promise<LightMyRequestResponse> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) params.append(name, value);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = basic(auth.clientId, auth.secret ?? '');
  return app.inject({ method: 'POST', url, headers, payload: params.toString() });
}

/** A platform (Mixin JSON) token request. */
export function postJson(
  app: FastifyInstance,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}

/** authorization_code with client_secret_basic. */
export function redeem(
  fixture: TokenFixture,
  client: TestApp,
  fields: Record<string, string | undefined>,
): Promise<LightMyRequestResponse> {
  return postForm(
    fixture.app,
    '/oauth/token',
    { grant_type: 'authorization_code', redirect_uri: undefined, ...fields },
    client,
  );
}

/** The standard answer for a code or a refresh under `authorizationId`: a bearer token for an hour and a refresh token. */
export function tokenPairAnswer(authorizationId: string, scope = 'PROFILE:READ PHONE:READ'): Record<string, unknown> {
  return {
    access_token: expect.any(String),
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: expect.any(String),
    scope,
    authorization_id: authorizationId,
  };
}

import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { type Keystore, createKeystore } from '../src/accounts/keystores.js';
import type { UserRow } from '../src/accounts/repo.js';
import { createUser } from '../src/accounts/service.js';
import { ed25519PublicKeyFromSeed, serverKeyPair } from '../src/tokens/server-key.js';
import type { TestClock } from './clock.js';
import { type TestApp, type TokenFixture, postJson, postForm, tokenFixture } from './token-fixture.js';

export const PHONE = '+15550100200';

/** What the platform token form hands a client that bound its key: enough to sign as the Mixin SDK does. */
export interface OAuthKeystore {
  app_id: string;
  authorization_id: string;
  scope: string;
  /** hex of the 32-byte seed */
  session_private_key: string;
  server_public_key: string;
}

/** The token fixture plus a user with a phone, that user's session keystore, and ways to get app tokens for them. */
export interface ResourceFixture extends TokenFixture {
  reader: UserRow;
  session: Keystore;
  /** Redeems a code in the platform dialect with a fresh bound key. */
  oauthKeystore(client: TestApp, scopes: string[]): Promise<OAuthKeystore>;
  /** A standard bearer access token for `reader` through the RFC 6749 form. */
  bearerToken(client: TestApp, scopes: string[]): Promise<string>;
  clientCredentialsToken(client: TestApp): Promise<string>;
}

export async function resourceFixture(clock?: TestClock, env: Record<string, string> = {}): Promise<ResourceFixture> {
  const f = await tokenFixture(env, clock);
  const reader = await createUser(f.deps, {
    username: `reader${randomBytes(3).toString('hex')}`,
    password: 'correct horse battery',
    fullName: 'Rea Der',
    phone: PHONE,
  });
  const server = await serverKeyPair(f.database.storage);
  const session = await createKeystore(f.deps, reader.user_id, server.publicKey);
  return Object.assign(f, {
    reader,
    session,
    async oauthKeystore(client: TestApp, scopes: string[]): Promise<OAuthKeystore> {
      const { code } = await f.code(client, { scopes, userId: reader.user_id });
      const seed = randomBytes(32);
      const response = await postJson(f.app, {
        client_id: client.clientId,
        code,
        client_secret: client.secret,
        ed25519: ed25519PublicKeyFromSeed(seed).toString('base64url'),
      });
      expect(response.statusCode).toBe(200);
      const data = (response.json() as { data: { authorization_id: string; scope: string; ed25519: string } }).data;
      return {
        app_id: client.clientId,
        authorization_id: data.authorization_id,
        scope: data.scope,
        session_private_key: seed.toString('hex'),
        server_public_key: Buffer.from(data.ed25519, 'base64url').toString('hex'),
      };
    },
    async bearerToken(client: TestApp, scopes: string[]): Promise<string> {
      const { code } = await f.code(client, { scopes, userId: reader.user_id });
      const response = await postForm(f.app, '/oauth/token', { grant_type: 'authorization_code', code }, client);
      expect(response.statusCode).toBe(200);
      return (response.json() as { access_token: string }).access_token;
    },
    async clientCredentialsToken(client: TestApp): Promise<string> {
      const response = await postForm(f.app, '/oauth/token', { grant_type: 'client_credentials' }, client);
      expect(response.statusCode).toBe(200);
      return (response.json() as { access_token: string }).access_token;
    },
  });
}

/**
 * Checks a refusal in the convention its request chose (PROTOCOL.md §1): Mixin's 202
 * envelope with the request id echoed, or the real status with an RFC 6750 challenge.
 */
export function expectRefused(response: LightMyRequestResponse, code: 401 | 403, requestId: string | undefined): void {
  const body = response.json() as { error?: { status: number; code: number; request_id?: string } };
  expect(body.error).toMatchObject({ status: 202, code });
  if (requestId !== undefined) {
    expect(response.statusCode).toBe(202);
    expect(response.headers['x-request-id']).toBe(requestId);
    expect(body.error?.request_id).toBe(requestId);
  } else {
    expect(response.statusCode).toBe(code);
    const challenge = String(response.headers['www-authenticate'] ?? '');
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(code === 403 ? 'error="insufficient_scope"' : 'error="invalid_token"');
  }
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifetimes } from '../src/context.js';
import { revokeGrant } from '../src/consent/revoke-app.js';
import { PHONE, type OAuthKeystore, type ResourceFixture, expectRefused, resourceFixture } from './resource-fixture.js';
import { sessionClaims, sigFor, signJws } from './signing.js';
import { postForm } from './token-fixture.js';

const EDDSA = { alg: 'EdDSA', typ: 'JWT' };

/** Which error convention a request asks for (PROTOCOL.md §1). */
const conventions = [
  { name: 'with X-Request-Id (Mixin: 202 + envelope)', mixin: true },
  { name: 'without X-Request-Id (HTTP status + WWW-Authenticate)', mixin: false },
] as const;

interface Signed {
  token: string;
  jti: string;
}

/** PROTOCOL.md §9-10 at the HTTP level: each rule refuses through a real request to the route. */
describe('resource authentication on /me, /users/:id and FULL routes', () => {
  let f: ResourceFixture;
  let phoneGrant: OAuthKeystore;
  let profileGrant: OAuthKeystore;
  const now = () => Math.floor(f.clock.now() / 1000);

  const session = (
    claims: Record<string, unknown> = {},
    target = '/me',
    method = 'GET',
    body = '',
    seed = f.session.session_private_key,
  ): Signed => {
    const all = { ...sessionClaims(f.session, method, target, body, now()), ...claims };
    return { token: signJws(EDDSA, all, seed), jti: String(all.jti) };
  };
  const oauth = (keystore: OAuthKeystore, claims: Record<string, unknown> = {}, target = '/me'): Signed => {
    const jti = randomUUID();
    const all = {
      iss: keystore.app_id,
      aid: keystore.authorization_id,
      iat: now(),
      exp: now() + 3600,
      jti,
      sig: sigFor('GET', target),
      scp: keystore.scope,
      ...claims,
    };
    return { token: signJws(EDDSA, all, keystore.session_private_key), jti: String(all.jti) };
  };

  /** A GET carrying the token; in the Mixin convention X-Request-Id is the jti unless told otherwise. */
  function get(
    url: string,
    signed: Signed | string | undefined,
    mixin: boolean,
    requestId?: string,
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {};
    if (signed !== undefined) headers.authorization = `Bearer ${typeof signed === 'string' ? signed : signed.token}`;
    if (mixin) headers['x-request-id'] = requestId ?? (typeof signed === 'object' ? signed.jti : randomUUID());
    return f.app.inject({ method: 'GET', url, headers });
  }
  const data = (response: LightMyRequestResponse) => {
    expect(response.statusCode).toBe(200);
    return (response.json() as { data: Record<string, unknown> }).data;
  };

  beforeAll(async () => {
    f = await resourceFixture();
    phoneGrant = await f.oauthKeystore(f.confidential, ['PROFILE:READ', 'PHONE:READ']);
    profileGrant = await f.oauthKeystore(f.other, ['PROFILE:READ']);
  });
  afterAll(async () => f?.close());

  it('accepts the well-formed tokens the refusals below are variations of', async () => {
    expect(data(await get('/me', session(), true))).toMatchObject({ user_id: f.reader.user_id, phone: PHONE });
    expect(data(await get('/me', session(), false))).toMatchObject({ user_id: f.reader.user_id, phone: PHONE });
    expect(data(await get('/me?x=1', session({}, '/me?x=1'), false)).user_id).toBe(f.reader.user_id);
    expect(data(await get('/me', oauth(phoneGrant), true))).toMatchObject({ user_id: f.reader.user_id, phone: PHONE });
  });

  describe.each(conventions)('$name', ({ mixin }) => {
    const refused = async (url: string, signed: Signed | string | undefined, code: 401 | 403 = 401) => {
      const requestId = mixin ? (typeof signed === 'object' ? signed.jti : randomUUID()) : undefined;
      expectRefused(await get(url, signed, mixin, requestId), code, requestId);
    };

    it('refuses no token at all', async () => {
      await refused('/me', undefined);
      await refused(`/users/${f.user.user_id}`, undefined);
    });

    it('refuses a replayed jti', async () => {
      const signed = session();
      data(await get('/me', signed, mixin));
      await refused('/me', signed);
    });

    it.each([
      ['another method', () => session({}, '/me', 'POST')],
      ['another path', () => session({}, '/users/x')],
      ['another query', () => session({}, '/me?x=2')],
      ['another body', () => session({}, '/me', 'GET', '{"x":1}')],
    ])('refuses a sig made for %s', async (_what, make) => {
      await refused('/me?x=1', make());
    });

    it.each([['none'], ['HS256'], ['RS256']])('refuses alg %s, even over a good ed25519 signature', async (alg) => {
      const claims = sessionClaims(f.session, 'GET', '/me', '', now());
      await refused('/me', {
        token: signJws({ alg, typ: 'JWT' }, claims, f.session.session_private_key),
        jti: claims.jti,
      });
    });

    it('refuses a token signed with another key', async () => {
      await refused('/me', session({}, '/me', 'GET', '', randomBytes(32).toString('hex')));
      await refused('/me', oauth({ ...phoneGrant, session_private_key: profileGrant.session_private_key }));
    });

    it('refuses an expired token, an iat too old and an iat in the future', async () => {
      await refused('/me', session({ exp: now() - 1 }));
      await refused('/me', session({ iat: now() - 601 }));
      await refused('/me', session({ iat: now() + 120 }));
      await refused('/me', oauth(phoneGrant, { iat: now() - 601 }));
    });

    it('refuses a token minted for a service (aud) at /me and /users/:id', async () => {
      await refused('/me', session({ aud: f.confidential.clientId }));
      await refused(`/users/${f.user.user_id}`, session({ aud: f.confidential.clientId }, `/users/${f.user.user_id}`));
    });

    it('refuses an app’s token on a FULL route with 403 insufficient_scope', async () => {
      await refused('/authorizations', oauth(phoneGrant, {}, '/authorizations'), 403);
      await refused('/authorizations', await f.bearerToken(f.confidential, ['PROFILE:READ']), 403);
    });

    it('refuses an unknown, revoked or expired bearer token', async () => {
      await refused('/me', 'not-a-token');
      const revoked = await f.bearerToken(f.confidential, ['PROFILE:READ']);
      data(await get('/me', revoked, mixin));
      expect((await postForm(f.app, '/oauth/revoke', { token: revoked }, f.confidential)).statusCode).toBe(200);
      await refused('/me', revoked);

      const expiring = await f.bearerToken(f.confidential, ['PROFILE:READ']);
      data(await get('/me', expiring, mixin));
      f.clock.advance(lifetimes.accessTokenMs);
      await refused('/me', expiring);
    });
  });

  it('refuses an X-Request-Id that is not the jti', async () => {
    const signed = session();
    const requestId = randomUUID();
    expectRefused(await get('/me', signed, true, requestId), 401, requestId);
  });

  it('counts only the scopes both claimed and granted', async () => {
    // claims PHONE:READ without the grant
    expect(data(await get('/me', oauth(profileGrant, { scp: 'PROFILE:READ PHONE:READ' }), true)).phone).toBe('');
    // granted, but not claimed
    expect(data(await get('/me', oauth(phoneGrant, { scp: 'PROFILE:READ' }), true)).phone).toBe('');
    expect(data(await get('/me', oauth(phoneGrant, { scp: 'PROFILE:READ PHONE:READ' }), false)).phone).toBe(PHONE);
  });

  it('takes a standard bearer token on /me with the same scope rules', async () => {
    expect(
      data(await get('/me', await f.bearerToken(f.confidential, ['PROFILE:READ', 'PHONE:READ']), false)),
    ).toMatchObject({ user_id: f.reader.user_id, phone: PHONE });
    expect(data(await get('/me', await f.bearerToken(f.confidential, ['PROFILE:READ']), true))).toMatchObject({
      user_id: f.reader.user_id,
      phone: '',
    });
    expect(
      data(
        await get(
          `/users/${f.reader.identity_number}`,
          await f.bearerToken(f.confidential, ['PROFILE:READ', 'PHONE:READ']),
          false,
        ),
      ),
    ).toMatchObject({
      user_id: f.reader.user_id,
      phone: '',
    });
  });

  it('gives a client-credentials token the app’s bot user', async () => {
    const me = data(await get('/me', await f.clientCredentialsToken(f.confidential), false));
    expect(me).toMatchObject({
      user_id: f.confidential.clientId,
      app_id: f.confidential.clientId,
      full_name: 'Confidential',
      relationship: 'ME',
      phone: '',
    });
  });

  it('never shows the phone on a public profile, not even to its owner’s session', async () => {
    expect(
      data(await get(`/users/${f.reader.user_id}`, session({}, `/users/${f.reader.user_id}`), true)),
    ).toMatchObject({ relationship: 'ME', phone: '' });
  });

  it('answers 404 in both conventions for an unknown user', async () => {
    const target = `/users/${randomUUID()}`;
    const mixin = await get(target, session({}, target), true);
    expect(mixin.statusCode).toBe(202);
    expect(mixin.json()).toMatchObject({ error: { status: 202, code: 404 } });
    const plain = await get(target, session({}, target), false);
    expect(plain.statusCode).toBe(404);
  });

  it('refuses a signed token once its app is revoked', async () => {
    const keystore = await f.oauthKeystore(f.confidential, ['PROFILE:READ']);
    data(await get('/me', oauth(keystore), true));
    await revokeGrant(f.deps, f.reader.user_id, f.confidential.clientId);
    const signed = oauth(keystore);
    expectRefused(await get('/me', signed, true), 401, signed.jti);
  });
});

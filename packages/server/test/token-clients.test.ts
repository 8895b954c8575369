import {
  OAuthClient,
  ResponseError,
  base64RawURLEncode,
  getChallenge,
  getED25519KeyPair,
} from '@mixin.dev/mixin-node-sdk';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { freePort } from './ports.js';
import { REDIRECT_URI, type TestApp, type TokenFixture, tokenFixture } from './token-fixture.js';

/** Real client libraries against a listening server: oauth4webapi (standard) and Mixin's Node SDK (platform). */
describe('real OAuth clients', () => {
  let f: TokenFixture;
  let issuer: string;
  const insecure = { [oauth.allowInsecureRequests]: true } as const;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    f = await tokenFixture({ ISSUER: issuer });
    await f.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await f?.close();
  });

  describe('oauth4webapi', () => {
    let as: oauth.AuthorizationServer;
    beforeAll(async () => {
      const url = new URL(issuer);
      as = await oauth.processDiscoveryResponse(
        url,
        await oauth.discoveryRequest(url, { algorithm: 'oauth2', ...insecure }),
      );
    });

    /** The redirect Signet's authorize step makes (PROTOCOL.md §5.6), for a code made with the client's own PKCE pair. */
    async function authorizationResponse(app: TestApp, withIss = true) {
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const { code } = await f.code(app, {
        challenge: await oauth.calculatePKCECodeChallenge(verifier),
        redirectUriSent: REDIRECT_URI,
      });
      const url = new URL(REDIRECT_URI);
      url.searchParams.set('code', code);
      url.searchParams.set('state', state);
      if (withIss) url.searchParams.set('iss', as.issuer);
      return { url, state, verifier };
    }

    async function codeGrant(app: TestApp, auth: oauth.ClientAuth) {
      const client: oauth.Client = { client_id: app.clientId };
      const { url, state, verifier } = await authorizationResponse(app);
      const params = oauth.validateAuthResponse(as, client, url, state);
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        auth,
        params,
        REDIRECT_URI,
        verifier,
        insecure,
      );
      return oauth.processAuthorizationCodeResponse(as, client, response);
    }

    it('discovers every endpoint from the metadata', () => {
      expect(as).toMatchObject({
        issuer,
        token_endpoint: `${issuer}/oauth/token`,
        revocation_endpoint: `${issuer}/oauth/revoke`,
        introspection_endpoint: `${issuer}/oauth/introspect`,
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
      });
    });

    it('runs the authorization code grant with PKCE and client_secret_basic, then refreshes', async () => {
      const client: oauth.Client = { client_id: f.confidential.clientId };
      const auth = oauth.ClientSecretBasic(f.confidential.secret ?? '');
      const tokens = await codeGrant(f.confidential, auth);
      expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'PROFILE:READ PHONE:READ' });
      expect(tokens.refresh_token).toEqual(expect.any(String));

      const refreshed = await oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token ?? '', insecure),
      );
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    });

    it('runs the grant as a public client (none) and with client_secret_post', async () => {
      expect((await codeGrant(f.publicApp, oauth.None())).access_token).toEqual(expect.any(String));
      expect(
        (await codeGrant(f.confidential, oauth.ClientSecretPost(f.confidential.secret ?? ''))).access_token,
      ).toEqual(expect.any(String));
    });

    it('has a callback without iss refused by the client, as the metadata promises iss', async () => {
      const client: oauth.Client = { client_id: f.confidential.clientId };
      const { url, state } = await authorizationResponse(f.confidential, false);
      expect(() => oauth.validateAuthResponse(as, client, url, state)).toThrow(/iss/);
    });

    it('sees invalid_grant when a code is redeemed twice', async () => {
      const client: oauth.Client = { client_id: f.confidential.clientId };
      const auth = oauth.ClientSecretBasic(f.confidential.secret ?? '');
      const { url, state, verifier } = await authorizationResponse(f.confidential);
      const params = oauth.validateAuthResponse(as, client, url, state);
      await oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, insecure),
      );
      const replay = oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, insecure),
      );
      await expect(replay).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
    });

    it('gets a client-credentials token, introspects it, revokes it', async () => {
      const client: oauth.Client = { client_id: f.confidential.clientId };
      const auth = oauth.ClientSecretBasic(f.confidential.secret ?? '');
      const tokens = await oauth.processClientCredentialsResponse(
        as,
        client,
        await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'ASSETS:READ' }, insecure),
      );
      expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'PROFILE:READ ASSETS:READ' });
      expect(tokens.refresh_token).toBeUndefined();

      const introspect = async () =>
        oauth.processIntrospectionResponse(
          as,
          client,
          await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
        );
      expect(await introspect()).toMatchObject({
        active: true,
        sub: f.confidential.clientId,
        client_id: f.confidential.clientId,
      });

      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, client, auth, tokens.access_token, insecure),
      );
      expect(await introspect()).toEqual({ active: false });
    });

    it('revokes a refresh token, ending its authorization', async () => {
      const client: oauth.Client = { client_id: f.confidential.clientId };
      const auth = oauth.ClientSecretPost(f.confidential.secret ?? '');
      const tokens = await codeGrant(f.confidential, auth);
      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, client, auth, tokens.refresh_token ?? '', {
          ...insecure,
          additionalParameters: { token_type_hint: 'refresh_token' },
        }),
      );
      const introspection = await oauth.processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
      );
      expect(introspection.active).toBe(false);
    });
  });

  describe('@mixin.dev/mixin-node-sdk', () => {
    const sdk = () => OAuthClient({ requestConfig: { baseURL: issuer } });

    it('exchanges a code with its own verifier and ed25519 key, and gets our server key', async () => {
      const { verifier, challenge } = getChallenge();
      const { code, authorizationId } = await f.code(f.publicApp, { challenge });
      const keyPair = getED25519KeyPair();
      const answer = await sdk().getToken({
        client_id: f.publicApp.clientId,
        code,
        code_verifier: verifier,
        ed25519: base64RawURLEncode(keyPair.publicKey),
      });

      const server = await serverKeyPair(f.database.storage);
      expect(answer).toEqual({
        authorization_id: authorizationId,
        scope: 'PROFILE:READ PHONE:READ',
        ed25519: base64RawURLEncode(server.publicKey),
      });
      const row = await f.deps.db
        .selectFrom('authorizations')
        .selectAll()
        .where('authorization_id', '=', authorizationId)
        .executeTakeFirstOrThrow();
      expect(row.ed25519_public_key).toBe(keyPair.publicKey.toString('hex'));
    });

    it('exchanges a code with the client secret for a bearer token', async () => {
      const { code, authorizationId } = await f.code(f.confidential);
      const answer = await sdk().getToken({
        client_id: f.confidential.clientId,
        code,
        client_secret: f.confidential.secret ?? '',
      });
      expect(answer).toEqual({
        access_token: expect.any(String),
        scope: 'PROFILE:READ PHONE:READ',
        authorization_id: authorizationId,
      });
    });

    it('sees Mixin error codes: 401 for a replayed code, 20121 for an expired one', async () => {
      const { code } = await f.code(f.confidential);
      const request = { client_id: f.confidential.clientId, code, client_secret: f.confidential.secret ?? '' };
      await sdk().getToken(request);
      await expect(sdk().getToken(request)).rejects.toBeInstanceOf(ResponseError);
      await expect(sdk().getToken(request)).rejects.toMatchObject({ code: 401 });

      const late = await f.code(f.confidential);
      f.clock.advance(11 * 60 * 1000);
      await expect(sdk().getToken({ ...request, code: late.code })).rejects.toMatchObject({ code: 20121 });
    });
  });
});

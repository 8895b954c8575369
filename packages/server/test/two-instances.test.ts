import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519PublicKeyFromSeed } from '../src/tokens/server-key.js';
import { cli, json } from './cli-harness.js';
import { sleep, within } from './clock.js';
import { HttpBrowser, openDecisionStream, openPendingRequest } from './http-browser.js';
import { type Instance, type InstancePair, startInstancePair } from './instance-pair.js';
import { oauthClaims, sessionClaims, signJws } from './signing.js';
import { basic } from './token-fixture.js';
import { csrfOf, formFields, matchCodeOf } from './web.js';

/**
 * Issue 7 and ARCHITECTURE.md "Scale": two `signet start` processes share one database
 * and one kv, and nothing that decides correctness may live in one process's memory.
 * Real processes, not two apps in this one, so that no module-level state (a cache of
 * tokens, keys or authorizations) can be shared by accident and hide a missing
 * cross-instance invalidation. Runs on PostgreSQL + Redis when the run has them, else
 * on one SQLite file with its kv table; every case holds on both.
 */

const REDIRECT = 'https://client.example/cb';
const PASSWORD = 'correct horse battery';
const EDDSA = { alg: 'EdDSA', typ: 'JWT' };
/** ARCHITECTURE.md "Scale": a revocation reaches every instance's cache within one second. */
const REVOCATION_LIMIT_MS = 1000;
/** consent/device-routes.ts re-reads a waiting request this often; an answer sooner came by publish/subscribe. */
const STREAM_RECHECK_MS = 5000;

interface Keystore {
  user_id: string;
  session_id: string;
  session_private_key: string;
}

/** What a code redemption with a bound key hands the app. */
interface Issued {
  access_token: string;
  refresh_token: string;
  authorization_id: string;
  scope: string;
  /** hex seed of the key bound to the authorization */
  seed: string;
}

describe('two instances sharing one database and one kv', () => {
  let pair: InstancePair;
  let a: Instance;
  let b: Instance;
  let client: { client_id: string; client_secret: string };
  let keystore: Keystore;
  let browser: HttpBrowser;

  beforeAll(async () => {
    pair = await startInstancePair({ RATE_LIMITS: 'on' });
    ({ a, b } = pair);
    json(await cli(pair.env, 'users', 'create', '--username', 'twin', '--password', PASSWORD, '--json'));
    client = json(
      await cli(
        pair.env,
        'apps',
        'create',
        '--name',
        'Twin App',
        '--owner',
        'twin',
        '--redirect-uri',
        REDIRECT,
        '--json',
      ),
    );
    keystore = json(await cli(pair.env, 'keystore', 'create', '--user', 'twin', '--json'));
    browser = new HttpBrowser(a.url);
    expect((await browser.signIn('twin', PASSWORD)).status).toBe(303);
  });
  afterAll(async () => pair?.stop());

  const asSession = (ks: Keystore, method = 'GET', path = '/me', body = '') =>
    signJws(EDDSA, sessionClaims(ks, method, path, body), ks.session_private_key);
  const asApp = (issued: Issued) =>
    signJws(
      EDDSA,
      oauthClaims(
        { client_id: client.client_id, authorization_id: issued.authorization_id, scope: issued.scope },
        'GET',
        '/me',
      ),
      issued.seed,
    );

  function call(instance: Instance, token: string, method = 'GET', path = '/me', body?: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(instance.url + path, { method, headers, body });
  }

  /** GET /me: true on 200, false on 401; any other answer fails the test on its own. */
  async function accepts(instance: Instance, token: string): Promise<boolean> {
    const response = await call(instance, token);
    if (response.status === 200 || response.status === 401) return response.status === 200;
    throw new Error(`${instance.name} answered ${response.status}: ${await response.text()}`);
  }

  function form(instance: Instance, path: string, fields: Record<string, string>): Promise<Response> {
    return fetch(instance.url + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(client.client_id, client.client_secret),
      },
      body: new URLSearchParams(fields),
    });
  }

  /** A code through the real pages: the consent form when the app has no grant yet, else straight back. */
  async function authorizeCode(): Promise<string> {
    const query = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      scope: 'PROFILE:READ PHONE:READ',
      state: 'st',
    });
    let response = await browser.get(`/oauth/authorize?${query}`);
    if (response.status === 200) {
      const fields = formFields(await response.text(), '/oauth/authorize/decision');
      response = await browser.post('/oauth/authorize/decision', [...fields, ['decision', 'authorize']]);
    }
    const code = new URL(response.headers.get('location') ?? 'x:').searchParams.get('code');
    if (!code) throw new Error(`no code (${response.status}): ${response.headers.get('location')}`);
    return code;
  }

  function redeem(on: Instance, code: string, seed: Buffer): Promise<Response> {
    const ed25519 = ed25519PublicKeyFromSeed(seed).toString('base64url');
    return form(on, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ed25519 });
  }

  /** An authorization with a bearer token, a refresh token and a bound key: a code redeemed on `on`. */
  async function issue(on: Instance, code?: string): Promise<Issued> {
    const seed = randomBytes(32);
    const response = await redeem(on, code ?? (await authorizeCode()), seed);
    expect(response.status).toBe(200);
    return { ...((await response.json()) as Omit<Issued, 'seed'>), seed: seed.toString('hex') };
  }

  /** Both kinds of app token work on the instance: any cache there now holds this authorization. */
  async function warm(instance: Instance, issued: Issued): Promise<void> {
    expect(await accepts(instance, issued.access_token)).toBe(true);
    expect(await accepts(instance, asApp(issued))).toBe(true);
  }

  /**
   * Polls from the moment a revoke returned: a request sent after the limit must be
   * refused, and once refused the credential must stay refused (no stale cache entry
   * coming back).
   */
  async function refusedWithinLimit(label: string, since: number, accepted: () => Promise<boolean>): Promise<void> {
    let refusedAt: number | undefined;
    for (;;) {
      const sentAt = performance.now() - since;
      const ok = await accepted();
      if (ok && refusedAt !== undefined)
        throw new Error(
          `${label}: accepted at ${Math.round(sentAt)} ms, after being refused at ${Math.round(refusedAt)} ms`,
        );
      if (ok && sentAt > REVOCATION_LIMIT_MS)
        throw new Error(`${label}: still accepted ${Math.round(sentAt)} ms after the revoke returned`);
      if (!ok) refusedAt ??= sentAt;
      if (!ok && sentAt > REVOCATION_LIMIT_MS) return;
      await sleep(50);
    }
  }

  /** Bearer and signed token of one authorization are both refused on `instance` within the limit. */
  function authorizationEnds(instance: Instance, issued: Issued, since: number): Promise<unknown[]> {
    return Promise.all([
      refusedWithinLimit(`bearer token on ${instance.name}`, since, () => accepts(instance, issued.access_token)),
      refusedWithinLimit(`signed token on ${instance.name}`, since, () => accepts(instance, asApp(issued))),
    ]);
  }

  describe('a jti is single-use across instances', () => {
    for (const [first, second] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      it(`refuses on ${second.toUpperCase()} a session token already used on ${first.toUpperCase()}`, async () => {
        const token = asSession(keystore);
        expect((await call(pair[first], token)).status).toBe(200);
        const replay = await call(pair[second], token);
        expect(replay.status).toBe(401);
        expect(await replay.json()).toMatchObject({
          error: { code: 401, extra: { reason: 'this request id was already used' } },
        });
      });
    }
  });

  describe('an authorization code is single-use across instances', () => {
    for (const [first, second] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      it(`refuses on ${second.toUpperCase()} a code redeemed on ${first.toUpperCase()}, and the replay ends what ${first.toUpperCase()} issued`, async () => {
        const code = await authorizeCode();
        const issued = await issue(pair[first], code);
        await warm(pair[first], issued);

        const replay = await redeem(pair[second], code, randomBytes(32));
        expect(replay.status).toBe(400);
        expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
        await authorizationEnds(pair[first], issued, performance.now());
        const refresh = await form(pair[second], '/oauth/token', {
          grant_type: 'refresh_token',
          refresh_token: issued.refresh_token,
        });
        expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
      });
    }
  });

  describe('a revoke on A is refused on B within one second', () => {
    it('POST /oauth/revoke of the refresh token: the authorization ends, bearer and signed tokens alike', async () => {
      const issued = await issue(a);
      await warm(b, issued);
      const revoked = await form(a, '/oauth/revoke', { token: issued.refresh_token, token_type_hint: 'refresh_token' });
      expect(revoked.status).toBe(200);
      await authorizationEnds(b, issued, performance.now());
    });

    it('POST /oauth/revoke of the access token: that token ends, the authorization does not', async () => {
      const issued = await issue(a);
      await warm(b, issued);
      const revoked = await form(a, '/oauth/revoke', { token: issued.access_token, token_type_hint: 'access_token' });
      expect(revoked.status).toBe(200);
      await refusedWithinLimit('bearer token on B', performance.now(), () => accepts(b, issued.access_token));
      expect(await accepts(b, asApp(issued))).toBe(true);
    });

    it('the Revoke button on the account page', async () => {
      const issued = await issue(a);
      await warm(b, issued);
      const page = await (await browser.get(`${a.url}/account`)).text();
      const revoked = await browser.post(`${a.url}/account/apps/revoke`, {
        _csrf: csrfOf(page),
        client_id: client.client_id,
      });
      expect(revoked.status).toBe(303);
      await authorizationEnds(b, issued, performance.now());
    });

    it('POST /oauth/cancel with the user’s session token (the SDKs’ revokeAuthorize)', async () => {
      const issued = await issue(a);
      await warm(b, issued);
      const body = JSON.stringify({ client_id: client.client_id });
      const revoked = await call(a, asSession(keystore, 'POST', '/oauth/cancel', body), 'POST', '/oauth/cancel', body);
      expect(revoked.status).toBe(200);
      await authorizationEnds(b, issued, performance.now());
    });

    it('a session keystore revoked on the account page', async () => {
      const session = json<Keystore>(await cli(pair.env, 'keystore', 'create', '--user', 'twin', '--json'));
      expect(await accepts(b, asSession(session))).toBe(true);
      const page = await (await browser.get(`${a.url}/account`)).text();
      const revoked = await browser.post(`${a.url}/account/keystores/revoke`, {
        _csrf: csrfOf(page),
        session_id: session.session_id,
      });
      expect(revoked.headers.get('location')).toBe('/account?notice=keystore-revoked');
      await refusedWithinLimit('session token on B', performance.now(), () => accepts(b, asSession(session)));
    });

    it('a client secret rotated by the CLI, a separate process: the old secret is refused on both', async () => {
      const app = json<{ client_id: string; client_secret: string }>(
        await cli(
          pair.env,
          'apps',
          'create',
          '--name',
          'Rotating',
          '--owner',
          'twin',
          '--redirect-uri',
          REDIRECT,
          '--json',
        ),
      );
      const grants = (instance: Instance, secret: string) => async () => {
        const response = await fetch(`${instance.url}/oauth/token`, {
          method: 'POST',
          headers: { authorization: basic(app.client_id, secret), 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        });
        return response.status === 200;
      };
      // both instances have the app in their client cache
      expect(await grants(a, app.client_secret)()).toBe(true);
      expect(await grants(b, app.client_secret)()).toBe(true);
      const rotated = json<{ client_secret: string }>(
        await cli(pair.env, 'apps', 'rotate-secret', app.client_id, '--json'),
      );
      const since = performance.now();
      await Promise.all([
        refusedWithinLimit('old secret on A', since, grants(a, app.client_secret)),
        refusedWithinLimit('old secret on B', since, grants(b, app.client_secret)),
      ]);
      expect(await grants(b, rotated.client_secret)()).toBe(true);
    });
  });

  describe('a device approval on A releases the page waiting on B', () => {
    const query = () =>
      new URLSearchParams({
        client_id: client.client_id,
        redirect_uri: REDIRECT,
        scope: 'PROFILE:READ PHONE:READ',
        state: 'dev',
      }).toString();

    it('approved through the API: the event stream on B gets the code at once', async () => {
      const waiting = new HttpBrowser(b.url);
      const { authorizationId } = await openPendingRequest(waiting, query());
      // B answers the stream's headers once it has subscribed (not at its first heartbeat)
      const stream = await within(
        STREAM_RECHECK_MS,
        openDecisionStream(waiting, authorizationId),
        'the event stream on B did not open',
      );
      const openedAt = performance.now();

      const body = JSON.stringify({ authorization_id: authorizationId, scopes: ['PROFILE:READ'] });
      const approved = await call(
        a,
        asSession(keystore, 'POST', '/oauth/authorize', body),
        'POST',
        '/oauth/authorize',
        body,
      );
      expect(approved.status).toBe(200);
      // Not a speed check: B re-reads a waiting request every STREAM_RECHECK_MS and would
      // find the answer then; well before that, only A's publish can have told B.
      const limit = STREAM_RECHECK_MS - 1000 - (performance.now() - openedAt);
      const decision = await within(limit, stream.decision, 'A’s publish did not reach the stream on B');
      expect(decision.state).toBe('done');
      const code = new URL(decision.redirect ?? 'x:').searchParams.get('code') ?? '';
      const redeemed = await redeem(a, code, randomBytes(32));
      expect(await redeemed.json()).toMatchObject({ authorization_id: authorizationId, scope: 'PROFILE:READ' });
    });

    it('approved in a browser signed in on A: the status B reports is done', async () => {
      const waiting = new HttpBrowser(b.url);
      const { codeId, authorizationId, page: waitingPage } = await openPendingRequest(waiting, query());
      const phone = new HttpBrowser(a.url);
      expect((await phone.signIn('twin', PASSWORD)).status).toBe(303);
      const page = await (await phone.get(`/codes/${codeId}`)).text();
      // what B recorded of the waiting browser is A's to show: stored with the request, not in B's memory
      expect(matchCodeOf(page)).toBe(matchCodeOf(waitingPage));
      expect(page).toContain('at <strong>127.0.0.1</strong>');
      const decided = await phone.post(`/codes/${codeId}`, [
        ...formFields(page, `/codes/${codeId}`),
        ['decision', 'authorize'],
      ]);
      expect(decided.status).toBe(303);

      const status = (await (await waiting.get(`/oauth/device/${authorizationId}/status`)).json()) as {
        state: string;
        redirect?: string;
      };
      expect(status.state).toBe('done');
      expect(new URL(status.redirect ?? 'x:').searchParams.get('code')).toBeTruthy();
    });
  });

  describe('sign-in throttling is shared', () => {
    it('counts failed sign-ins on A and on B against one account: the sixth attempt is refused on both', async () => {
      json(await cli(pair.env, 'users', 'create', '--username', 'guarded', '--password', PASSWORD, '--json'));
      const attempt = async (instance: Instance, password: string) =>
        (await new HttpBrowser(instance.url).signIn('guarded', password)).status;
      // five failures, split 3 + 2: neither instance alone has reached the limit of 5
      for (const instance of [a, a, a, b, b]) expect(await attempt(instance, 'wrong password')).toBe(401);
      expect(await attempt(b, PASSWORD)).toBe(429);
      expect(await attempt(a, PASSWORD)).toBe(429);
      // the account is what is held, not the address all these came from
      expect((await new HttpBrowser(b.url).signIn('twin', PASSWORD)).status).toBe(303);
    });
  });
});

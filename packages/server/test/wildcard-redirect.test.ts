import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/apps/service.js';
import { sha256Hex } from '../src/tokens/opaque.js';
import { databaseBackends } from './backends.js';
import { basic, pkcePair, postJson } from './token-fixture.js';
import { PASSWORD, TestBrowser, type WebHarness, authorizeUrl, formFields, location, startWebHarness } from './web.js';

const DECISION = '/oauth/authorize/decision';
const REGISTERED = 'https://app.example.com/cb';
const CAUGHT = 'https://evil.example.com/steal';
const SCOPES = 'PROFILE:READ PHONE:READ';

/*
 * Issue 17, H1, end to end: an attacker who controls one host under an app's `*.example.com`
 * sends a user who already granted the app an authorize link with the attacker's
 * redirect_uri and PKCE challenge. Before the fix the browser was redirected at once with a
 * code, which the attacker redeemed with the verifier alone.
 */
describe.each(databaseBackends)(
  'a host-pattern redirect cannot take a code without consent, nor redeem it without the secret: $name',
  (backend) => {
    let h: WebHarness;
    let clientId: string;
    let secret: string;
    let user: TestBrowser;

    beforeAll(async () => {
      h = await startWebHarness({}, backend.open);
      const created = await createApp(h, {
        name: 'Example Shop',
        ownerId: h.userId,
        redirectUris: [REGISTERED],
        hosts: ['*.example.com'],
        type: 'confidential',
      });
      clientId = created.app.client_id;
      secret = created.clientSecret ?? '';
      user = new TestBrowser(h.app);
      await user.signIn('alice', PASSWORD);
    });
    afterAll(async () => {
      await h?.close();
    });

    const codeOf = (response: Parameters<typeof location>[0]) => location(response).searchParams.get('code') ?? '';
    const spent = async (code: string) =>
      (
        await h.db
          .selectFrom('authorization_codes')
          .select('used_at')
          .where('code_hash', '=', sha256Hex(code))
          .executeTakeFirstOrThrow()
      ).used_at !== null;
    const approve = async (url: string) => {
      const page = await user.get(url);
      expect(page.statusCode).toBe(200);
      const response = await user.post(DECISION, [...formFields(page.body, DECISION), ['decision', 'authorize']]);
      expect(response.statusCode).toBe(303);
      return response;
    };

    it('the registered URI: consent once, then skipped, and Mixin SDKs redeem with the verifier alone', async () => {
      const first = pkcePair();
      const consented = await approve(
        authorizeUrl({ client_id: clientId, scope: SCOPES, code_challenge: first.challenge }),
      );
      expect(
        (await postJson(h.app, { client_id: clientId, code: codeOf(consented), code_verifier: first.verifier }))
          .statusCode,
      ).toBe(200);

      const again = pkcePair();
      const skipped = await user.get(
        authorizeUrl({ client_id: clientId, redirect_uri: REGISTERED, scope: SCOPES, code_challenge: again.challenge }),
      );
      expect(skipped.statusCode).toBe(302);
      expect(`${location(skipped).origin}${location(skipped).pathname}`).toBe(REGISTERED);
      expect(
        (await postJson(h.app, { client_id: clientId, code: codeOf(skipped), code_verifier: again.verifier }))
          .statusCode,
      ).toBe(200);
    });

    it("the attacker's link: the consent page naming the attacker's host; after approval the verifier alone is refused and spends the code", async () => {
      const attacker = pkcePair();
      const link = authorizeUrl({
        client_id: clientId,
        redirect_uri: CAUGHT,
        scope: SCOPES,
        state: 'x',
        code_challenge: attacker.challenge,
      });
      const page = await user.get(link);
      expect(page.statusCode).toBe(200);
      expect(page.headers.location).toBeUndefined();
      expect(page.body).toContain('After you choose, you will be sent to <strong>evil.example.com</strong>.');

      // the user approves anyway: the code goes to the attacker's host, as the page said
      const approved = await approve(link);
      expect(`${location(approved).origin}${location(approved).pathname}`).toBe(CAUGHT);
      const code = codeOf(approved);
      const stolen = await postJson(h.app, {
        client_id: clientId,
        code,
        code_verifier: attacker.verifier,
        redirect_uri: CAUGHT,
      });
      expect(stolen.statusCode).toBe(401);
      expect(stolen.json().error).toMatchObject({
        code: 401,
        description: expect.stringMatching(/client_secret is required/),
      });
      expect(await spent(code)).toBe(true);
      expect(
        (await postJson(h.app, { client_id: clientId, code, client_secret: secret, redirect_uri: CAUGHT })).statusCode,
      ).toBe(401);
    });

    it("the app's own host under the pattern: works after consent, with the secret and the redirect_uri, in both forms", async () => {
      const own = 'https://shop.example.com/cb';
      const platform = await approve(authorizeUrl({ client_id: clientId, redirect_uri: own, scope: SCOPES }));
      const answer = await postJson(h.app, {
        client_id: clientId,
        code: codeOf(platform),
        client_secret: secret,
        redirect_uri: own,
      });
      expect(answer.statusCode).toBe(200);
      expect(answer.json().data.access_token).toEqual(expect.any(String));

      const pair = pkcePair();
      const standard = await approve(
        authorizeUrl({ client_id: clientId, redirect_uri: own, scope: SCOPES, code_challenge: pair.challenge }),
      );
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code: codeOf(standard),
        redirect_uri: own,
        code_verifier: pair.verifier,
      });
      const token = await h.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret) },
        payload: form.toString(),
      });
      expect(token.statusCode).toBe(200);
      expect(token.json().refresh_token).toEqual(expect.any(String));
    });
  },
);

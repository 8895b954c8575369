import type { PlatformTokenAnswer, PlatformTokenRequest, Received } from '@signet/protocol';
import type { AuditSource } from '../../audit/service.js';
import type { RouteContext } from '../../context.js';
import { InvalidField } from '../../errors/platform.js';
import { InvalidClient } from '../../errors/oauth.js';
import { issueAccessToken } from '../../tokens/service.js';
import { verifyClient } from '../client-auth.js';
import {
  authorizeCode,
  parseClientPublicKey,
  parseCodeVerifier,
  redeemCode,
  serverPublicKeyBase64url,
} from './authorization-code.js';

/** Mixin's answer: a bound key gets the server's key back and no bearer token; otherwise a bearer token. */
export type { PlatformTokenAnswer };

type Body = Received<PlatformTokenRequest>;

function optionalString(body: Body, field: keyof Body): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidField(field, 'must be a string');
  return value;
}

function requiredString(body: Body, field: keyof Body): string {
  const value = optionalString(body, field);
  if (value === undefined) throw new InvalidField(field, 'is required');
  return value;
}

/**
 * The platform (Mixin) code exchange: JSON `{client_id, code, client_secret | code_verifier,
 * redirect_uri?, ed25519?}`. Any app may prove itself with the PKCE verifier instead of its
 * secret (Mixin's rule for an app's client side); a public app has no secret, so it must.
 * Except for a code sent to a redirect URI that only a host pattern allows: that one needs
 * `redirect_uri` and, for a confidential app, the secret instead of the verifier (redeemCode):
 * PROTOCOL.md §7's "exactly one" holds for every code.
 */
export async function platformCodeExchange(
  context: RouteContext,
  request: { authorization: string | undefined; body: unknown; source: AuditSource },
): Promise<PlatformTokenAnswer> {
  // Mixin's SDKs always send a Bearer header, empty or signed with the app's own keystore: it is not client auth here
  if (request.authorization !== undefined && !/^bearer\b/i.test(request.authorization.trim())) {
    throw new InvalidField('Authorization', 'send the client credentials in the body');
  }
  const body: Body = typeof request.body === 'object' && request.body !== null ? (request.body as Body) : {};
  const clientId = requiredString(body, 'client_id');
  const code = requiredString(body, 'code');
  const secret = optionalString(body, 'client_secret');
  const codeVerifier = parseCodeVerifier(optionalString(body, 'code_verifier'));
  if ((secret === undefined) === (codeVerifier === undefined)) {
    throw new InvalidField(
      secret === undefined ? 'code_verifier' : 'client_secret',
      'send exactly one of client_secret and code_verifier',
    );
  }
  const redirectUri = optionalString(body, 'redirect_uri');
  const key = optionalString(body, 'ed25519');
  const clientPublicKeyHex = key === undefined ? undefined : parseClientPublicKey(key);

  const row = await redeemCode(context, {
    code,
    clientId,
    authenticate: (app) => {
      if (!app) throw new InvalidClient('Unknown client.');
      // with the verifier alone, the PKCE check that follows is what proves the caller
      return secret === undefined ? app : verifyClient(app, { method: 'client_secret_post', clientId, secret });
    },
    withSecret: secret !== undefined,
    form: 'platform',
    redirectUri,
    codeVerifier,
    source: request.source,
  });

  if (clientPublicKeyHex) {
    const { authorization } = await authorizeCode(context, row, clientPublicKeyHex, async () => undefined);
    return {
      authorization_id: authorization.authorization_id,
      scope: authorization.scopes,
      ed25519: await serverPublicKeyBase64url(context),
    };
  }
  const { authorization, issued } = await authorizeCode(context, row, undefined, issueAccessToken);
  return {
    access_token: issued.accessToken,
    scope: issued.scopes.join(' '),
    authorization_id: authorization.authorization_id,
  };
}

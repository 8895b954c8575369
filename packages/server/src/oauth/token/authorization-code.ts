import type { AppRow } from '../../apps/repo.js';
import { findAppForClientAuth } from '../../apps/repo.js';
import { type AuditSource, recordAuditEventAfter } from '../../audit/service.js';
import type { RouteContext } from '../../context.js';
import { serverKeyPair } from '../../tokens/server-key.js';
import {
  type AuthorizationRow,
  type WriteDeps,
  createCodeAuthorization,
  issueTokenPair,
  revokeCodeAuthorization,
} from '../../tokens/service.js';
import { readClientCredentials, verifyClient } from '../client-auth.js';
import { type CodeRow, consumeCode } from '../codes.js';
import { InvalidField } from '../../errors/platform.js';
import { CodeExpired, InvalidGrant } from '../../errors/oauth.js';
import { type FormBody, formParam, requiredFormParam } from '../form.js';
import { codeVerifierMatches, isValidCodeVerifier } from '../pkce.js';
import { type StandardTokenRequest, type TokenAnswer, expiresIn } from './answer.js';

/** A code redemption whose shape has been checked; nothing has been changed yet. */
export interface CodeRedemption {
  code: string;
  /** the client the caller claims to be */
  clientId: string;
  /** proves the caller is that client (throws invalid_client); the app is undefined when unknown */
  authenticate(app: AppRow | undefined): AppRow;
  /** whether authenticate checked the client secret (not only who the caller says it is) */
  withSecret: boolean;
  /** whose redirect URI rule applies: RFC 6749 §4.1.3, or the platform (Mixin JSON) form's */
  form: 'standard' | 'platform';
  /** the redirect_uri the token request sent, if any */
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
  /** where a replay is reported from */
  source: AuditSource;
}

/** The ed25519 parameter: base64url (no padding) of a raw 32-byte public key; returned as hex. */
export function parseClientPublicKey(value: string): string {
  const bytes = /^[A-Za-z0-9_-]{43}$/.test(value) ? Buffer.from(value, 'base64url') : undefined;
  if (bytes?.length !== 32 || bytes.toString('base64url') !== value) {
    throw new InvalidField('ed25519', 'must be the base64url (no padding) of a 32-byte ed25519 public key');
  }
  return bytes.toString('hex');
}

export function parseCodeVerifier(value: string | undefined): string | undefined {
  if (value !== undefined && !isValidCodeVerifier(value))
    throw new InvalidField('code_verifier', 'must be 43 to 128 unreserved characters (RFC 7636)');
  return value;
}

/**
 * The code is bound to the redirect URI it went to. A URI sent must be that one. It must be
 * sent when only a host pattern allowed it (the catcher of a stray code is then the one
 * host that can name it), and in the standard form whenever authorize was sent one
 * (RFC 6749 §4.1.3). Mixin's SDKs never send it, so the platform form may leave it out for
 * a registered URI.
 */
function checkRedirectUri(row: CodeRow, redemption: CodeRedemption): void {
  const sent = redemption.redirectUri;
  if (sent !== undefined) {
    if (sent !== row.redirect_uri) throw new InvalidGrant('redirect_uri does not match the authorization request.');
    return;
  }
  if (row.redirect_uri_match === 'host_pattern') {
    throw new InvalidGrant('redirect_uri is required: the code went to a redirect URI allowed only by a host pattern.');
  }
  if (redemption.form === 'standard' && row.redirect_uri_sent !== null) {
    throw new InvalidGrant('redirect_uri is required: it was sent to the authorization request.');
  }
}

/**
 * A code sent to a URI that only a host pattern allows may have been caught by a host the
 * app does not control, together with a PKCE challenge of the catcher's own: there the
 * verifier proves nothing, and a confidential app must prove itself with its secret. (A
 * public app has none: the consent page naming the host is its guard.)
 */
function checkSecretWhenNeeded(row: CodeRow, app: AppRow, withSecret: boolean): void {
  if (row.redirect_uri_match === 'host_pattern' && app.type === 'confidential' && !withSecret) {
    throw new InvalidGrant(
      'client_secret is required: the code went to a redirect URI allowed only by a host pattern.',
    );
  }
}

function checkPkce(row: CodeRow, verifier: string | undefined): void {
  if (row.code_challenge === null) {
    if (verifier !== undefined)
      throw new InvalidGrant('code_verifier sent, but the authorization request had no code_challenge.');
    return;
  }
  if (verifier === undefined)
    throw new InvalidGrant('code_verifier is required: the authorization request had a code_challenge.');
  if (!codeVerifierMatches(row.code_challenge, verifier))
    throw new InvalidGrant('code_verifier does not match the code_challenge.');
}

/**
 * Spends the code first (one conditional write), then checks it: a failed redemption
 * uses the code up too, so a guessed verifier or secret gets one try. A code seen a
 * second time revokes what its first redemption issued (RFC 6749 §4.1.2).
 */
export async function redeemCode(context: RouteContext, redemption: CodeRedemption): Promise<CodeRow> {
  const result = await consumeCode(context, redemption.code);
  if (result.status === 'unknown') throw new InvalidGrant('The authorization code is invalid.');
  if (result.status === 'replayed') {
    const { row } = result;
    await revokeCodeAuthorization(context, row);
    // the presenter is not authenticated yet: whom it claimed to be is recorded only when that is not the code's client
    const detail = {
      authorization_revoked: true,
      ...(redemption.clientId === row.client_id ? {} : { claimed_client_id: redemption.clientId }),
    };
    const event = {
      type: 'authorization_code.replayed',
      userId: row.user_id,
      clientId: row.client_id,
      authorizationId: row.authorization_id,
      detail,
    } as const;
    await recordAuditEventAfter(context, redemption.source, event);
    throw new InvalidGrant('The authorization code was already used; the authorization it gave is revoked.');
  }
  const { row } = result;
  if (row.client_id !== redemption.clientId)
    throw new InvalidGrant('The authorization code was issued to another client.');
  const app = redemption.authenticate(await findAppForClientAuth(context.hot, redemption.clientId));
  checkRedirectUri(row, redemption);
  checkSecretWhenNeeded(row, app, redemption.withSecret);
  checkPkce(row, redemption.codeVerifier);
  if (result.status === 'expired') throw new CodeExpired();
  return row;
}

/**
 * Creates the authorization of a redeemed code and what `issue` issues under it, in one
 * transaction (tokens/service.ts); a replay that got there first makes it invalid_grant.
 */
export async function authorizeCode<T>(
  deps: WriteDeps,
  row: CodeRow,
  clientPublicKeyHex: string | undefined,
  issue: (deps: WriteDeps, authorization: AuthorizationRow) => Promise<T>,
): Promise<{ authorization: AuthorizationRow; issued: T }> {
  const result = await createCodeAuthorization(deps, row, clientPublicKeyHex, issue);
  if (result.status === 'replayed') throw new InvalidGrant('The authorization code was used twice.');
  return result;
}

export async function serverPublicKeyBase64url(context: RouteContext): Promise<string> {
  return (await serverKeyPair(context.storage)).publicKey.toString('base64url');
}

function readKeyParam(body: FormBody): string | undefined {
  const value = formParam(body, 'ed25519');
  return value === undefined ? undefined : parseClientPublicKey(value);
}

/** grant_type=authorization_code (RFC 6749 §4.1.3), with PKCE (RFC 7636) and an optional ed25519 key. */
export async function authorizationCodeGrant(
  context: RouteContext,
  request: StandardTokenRequest,
): Promise<TokenAnswer> {
  const { body } = request;
  const code = requiredFormParam(body, 'code');
  const credentials = readClientCredentials(request.authorization, body);
  const codeVerifier = parseCodeVerifier(formParam(body, 'code_verifier'));
  if (credentials.method === 'none' && codeVerifier === undefined) {
    throw new InvalidField('code_verifier', 'is required for a client without a secret');
  }
  const clientPublicKeyHex = readKeyParam(body);

  const row = await redeemCode(context, {
    code,
    clientId: credentials.clientId,
    // a confidential app cannot use `none` here: verifyClient refuses it
    authenticate: (app) => verifyClient(app, credentials),
    withSecret: credentials.method !== 'none',
    form: 'standard',
    redirectUri: formParam(body, 'redirect_uri'),
    codeVerifier,
    source: request.source,
  });
  const { authorization, issued } = await authorizeCode(context, row, clientPublicKeyHex, issueTokenPair);
  return {
    ...tokenFields(context, authorization, issued),
    refresh_token: issued.refreshToken,
    ...(clientPublicKeyHex ? { ed25519: await serverPublicKeyBase64url(context) } : {}),
  };
}

export function tokenFields(
  context: RouteContext,
  authorization: AuthorizationRow,
  issued: { accessToken: string; expiresAt: number; scopes: string[] },
): TokenAnswer {
  return {
    access_token: issued.accessToken,
    token_type: 'Bearer',
    expires_in: expiresIn(context, issued.expiresAt),
    scope: issued.scopes.join(' '),
    authorization_id: authorization.authorization_id,
  };
}

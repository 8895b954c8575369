import type { AppRow } from '../../apps/repo.js';
import { findAppForClientAuth } from '../../apps/repo.js';
import { type AuditSource, recordAuditEventAfter } from '../../audit/service.js';
import type { RouteContext } from '../../context.js';
import { serverKeyPair } from '../../tokens/server-key.js';
import { type AuthorizationRow, authorizeCode, issueTokenPair, revokeCodeAuthorization } from '../../tokens/service.js';
import { readClientCredentials, verifyClient } from '../client-auth.js';
import { type CodeRow, consumeCode } from '../codes.js';
import { expiredCode, invalidGrant, invalidRequest } from '../errors.js';
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
  /** the standard form must repeat the redirect URI; Mixin's JSON form has none */
  redirectUri: { sent: string | undefined } | undefined;
  codeVerifier: string | undefined;
  /** where a replay is reported from */
  source: AuditSource;
}

/** The ed25519 parameter: base64url (no padding) of a raw 32-byte public key; returned as hex. */
export function parseClientPublicKey(value: string): string {
  const bytes = /^[A-Za-z0-9_-]{43}$/.test(value) ? Buffer.from(value, 'base64url') : undefined;
  if (!bytes || bytes.length !== 32 || bytes.toString('base64url') !== value) {
    throw invalidRequest('ed25519', 'must be the base64url (no padding) of a 32-byte ed25519 public key');
  }
  return bytes.toString('hex');
}

export function parseCodeVerifier(value: string | undefined): string | undefined {
  if (value !== undefined && !isValidCodeVerifier(value)) throw invalidRequest('code_verifier', 'must be 43 to 128 unreserved characters (RFC 7636)');
  return value;
}

function checkRedirectUri(row: CodeRow, sent: string | undefined): void {
  if (row.redirect_uri_sent !== null) {
    if (sent !== row.redirect_uri_sent) throw invalidGrant('redirect_uri does not match the authorization request.');
  } else if (sent !== undefined && sent !== row.redirect_uri) {
    // not required when authorize named none, but if sent it must be the one the code went to
    throw invalidGrant('redirect_uri does not match the authorization request.');
  }
}

function checkPkce(row: CodeRow, verifier: string | undefined): void {
  if (row.code_challenge === null) {
    if (verifier !== undefined) throw invalidGrant('code_verifier sent, but the authorization request had no code_challenge.');
    return;
  }
  if (verifier === undefined) throw invalidGrant('code_verifier is required: the authorization request had a code_challenge.');
  if (!codeVerifierMatches(row.code_challenge, verifier)) throw invalidGrant('code_verifier does not match the code_challenge.');
}

/**
 * Spends the code first (one conditional write), then checks it: a failed redemption
 * uses the code up too, so a guessed verifier or secret gets one try. A code seen a
 * second time revokes what its first redemption issued (RFC 6749 §4.1.2).
 */
export async function redeemCode(context: RouteContext, redemption: CodeRedemption): Promise<CodeRow> {
  const result = await consumeCode(context, redemption.code);
  if (result.status === 'unknown') throw invalidGrant('The authorization code is invalid.');
  if (result.status === 'replayed') {
    const { row } = result;
    await revokeCodeAuthorization(context, row);
    // the presenter is not authenticated yet: whom it claimed to be is recorded only when that is not the code's client
    const detail = { authorization_revoked: true, ...(redemption.clientId === row.client_id ? {} : { claimed_client_id: redemption.clientId }) };
    const event = { type: 'authorization_code.replayed', userId: row.user_id, clientId: row.client_id, authorizationId: row.authorization_id, detail } as const;
    await recordAuditEventAfter(context, redemption.source, event);
    throw invalidGrant('The authorization code was already used; the authorization it gave is revoked.');
  }
  const { row } = result;
  if (row.client_id !== redemption.clientId) throw invalidGrant('The authorization code was issued to another client.');
  redemption.authenticate(await findAppForClientAuth(context.db, redemption.clientId));
  if (redemption.redirectUri) checkRedirectUri(row, redemption.redirectUri.sent);
  checkPkce(row, redemption.codeVerifier);
  if (result.status === 'expired') throw expiredCode();
  return row;
}

export async function serverPublicKeyBase64url(context: RouteContext): Promise<string> {
  return (await serverKeyPair(context.storage)).publicKey.toString('base64url');
}

function readKeyParam(body: FormBody): string | undefined {
  const value = formParam(body, 'ed25519');
  return value === undefined ? undefined : parseClientPublicKey(value);
}

/** grant_type=authorization_code (RFC 6749 §4.1.3), with PKCE (RFC 7636) and an optional ed25519 key. */
export async function authorizationCodeGrant(context: RouteContext, request: StandardTokenRequest): Promise<TokenAnswer> {
  const { body } = request;
  const code = requiredFormParam(body, 'code');
  const credentials = readClientCredentials(request.authorization, body);
  const codeVerifier = parseCodeVerifier(formParam(body, 'code_verifier'));
  if (credentials.method === 'none' && codeVerifier === undefined) {
    throw invalidRequest('code_verifier', 'is required for a client without a secret');
  }
  const clientPublicKeyHex = readKeyParam(body);
  const redirectUri = { sent: formParam(body, 'redirect_uri') };

  const row = await redeemCode(context, {
    code,
    clientId: credentials.clientId,
    authenticate: (app) => verifyClient(app, credentials),
    redirectUri,
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

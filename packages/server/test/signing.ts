import { createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { bytesToBase64Url } from '@signet/protocol';

// DER prefix of a PKCS#8-wrapped ed25519 seed (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** base64url of a JSON text exactly as written (repeated names and all). */
export const jsonSegment = (json: string) => bytesToBase64Url(new TextEncoder().encode(json));

/** Signs `header.payload` exactly as given, however it is spelled. */
export function signJwsInput(input: string, seedHex: string): string {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, Buffer.from(seedHex, 'hex')]),
    format: 'der',
    type: 'pkcs8',
  });
  return `${input}.${bytesToBase64Url(sign(null, Buffer.from(input), key))}`;
}

/** Signs a compact JWS by hand, so tests can make tokens the SDKs never would. */
export function signJws(header: Record<string, unknown>, claims: Record<string, unknown>, seedHex: string): string {
  return signJwsInput(`${jsonSegment(JSON.stringify(header))}.${jsonSegment(JSON.stringify(claims))}`, seedHex);
}

export function sigFor(method: string, target: string, body = ''): string {
  return createHash('sha256')
    .update(method.toUpperCase() + target + body)
    .digest('hex');
}

/** Claims of a fresh session token for a request. */
export function sessionClaims(
  keystore: { user_id: string; session_id: string },
  method: string,
  target: string,
  body = '',
  nowSeconds = Math.floor(Date.now() / 1000),
) {
  return {
    uid: keystore.user_id,
    sid: keystore.session_id,
    iat: nowSeconds,
    exp: nowSeconds + 3600,
    jti: randomUUID(),
    sig: sigFor(method, target, body),
    scp: 'FULL',
  };
}

/** Claims of a fresh OAuth token (an app for a user, under an authorization with a bound key) for a request. */
export function oauthClaims(
  authorization: { client_id: string; authorization_id: string; scope: string },
  method: string,
  target: string,
  body = '',
  nowSeconds = Math.floor(Date.now() / 1000),
) {
  return {
    iss: authorization.client_id,
    aid: authorization.authorization_id,
    scp: authorization.scope,
    iat: nowSeconds,
    exp: nowSeconds + 3600,
    jti: randomUUID(),
    sig: sigFor(method, target, body),
  };
}

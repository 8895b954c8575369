import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToBase64Url, signatureBase } from '@signet/protocol';
import { bytesToHex, utf8 } from './bytes.js';
import { type Keystore, type SessionKeystore, isOAuthKeystore, signWithSeed } from './keys.js';

const HEADER = bytesToBase64Url(utf8(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' })));
const LIFETIME_SECONDS = 3600;

export interface SignRequestOptions {
  method: string;
  /** the request URL, absolute or a path (the query is part of what is signed) */
  url: string;
  /** the exact body that will be sent: a string, or an object sent as JSON.stringify(body) */
  body?: string | object;
  keystore: Keystore;
  /** defaults to a fresh UUID; send it as X-Request-Id */
  requestId?: string;
  /** epoch seconds, for tests */
  now?: number;
}

export interface SignedRequest {
  /** `Authorization: Bearer <token>` */
  token: string;
  /** `X-Request-Id`: equals the token's jti */
  requestId: string;
  /** the body text that was signed, to send as is */
  body: string;
}

function requestTarget(url: string): string {
  const parsed = new URL(url, 'http://signet.invalid');
  return parsed.pathname + parsed.search;
}

function compact(claims: Record<string, unknown>, seedHex: string): string {
  const input = `${HEADER}.${bytesToBase64Url(utf8(JSON.stringify(claims)))}`;
  return `${input}.${bytesToBase64Url(signWithSeed(utf8(input), seedHex))}`;
}

function sigOf(method: string, target: string, body: string): string {
  return bytesToHex(sha256(utf8(signatureBase(method, target, body))));
}

/**
 * Signs one API request (PROTOCOL.md §9): a fresh EdDSA JWT whose `sig` hashes the
 * method, path with query, and body. Every request needs its own (the jti is single use).
 * Claims are in the order Mixin's SDKs use, so both produce the same token for the same inputs.
 *
 * @example
 * const { token, requestId, body } = signRequest({ method: 'POST', url: '/transfers', body: transfer, keystore });
 * await fetch(`${issuer}/transfers`, { method: 'POST', body, headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': requestId, 'Content-Type': 'application/json' } });
 */
export function signRequest(options: SignRequestOptions): SignedRequest {
  const method = options.method.toUpperCase();
  const body =
    options.body === undefined ? '' : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const requestId = options.requestId ?? globalThis.crypto.randomUUID();
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  const sig = sigOf(method, requestTarget(options.url), body);
  const { keystore } = options;
  const claims = isOAuthKeystore(keystore)
    ? {
        iss: keystore.client_id ?? keystore.app_id,
        aid: keystore.authorization_id,
        iat,
        exp: iat + LIFETIME_SECONDS,
        jti: requestId,
        sig,
        scp: keystore.scope,
      }
    : {
        uid: keystore.user_id ?? keystore.app_id,
        sid: keystore.session_id,
        iat,
        exp: iat + LIFETIME_SECONDS,
        jti: requestId,
        sig,
        scp: 'FULL',
      };
  return { token: compact(claims, keystore.session_private_key), requestId, body };
}

/**
 * A token a user hands to a third-party service to log in there (PROTOCOL.md §11):
 * signed for GET /me, bound to the service by `aud`, short-lived. The service trades it
 * with verifyServiceLogin().
 *
 * @example
 * const token = mintServiceToken(keystore, serviceClientId);
 * await fetch('https://service.example/login', { method: 'POST', body: JSON.stringify({ token }) });
 */
export function mintServiceToken(
  keystore: SessionKeystore,
  audience: string,
  options: { ttlSeconds?: number; now?: number } = {},
): string {
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  const claims = {
    uid: keystore.user_id ?? keystore.app_id,
    sid: keystore.session_id,
    iat,
    exp: iat + (options.ttlSeconds ?? 60),
    jti: globalThis.crypto.randomUUID(),
    sig: sigOf('GET', '/me', ''),
    scp: 'FULL',
    aud: audience,
  };
  return compact(claims, keystore.session_private_key);
}

/**
 * Compact JWS parsing for request-signed tokens (PROTOCOL.md §9). Portable (no Node
 * APIs): the server verifies, the SDK signs. The signing input is the raw
 * `header.payload` text as received; claims are never re-serialized.
 */

export interface JwsHeader {
  alg?: unknown;
  typ?: unknown;
  [name: string]: unknown;
}

/** Claims of a request-signed token; which are present says which kind it is. */
export interface SignedTokenClaims {
  /** OAuth token: the app's client_id */
  iss?: string;
  /** OAuth token: the authorization_id */
  aid?: string;
  /** session token: the user_id */
  uid?: string;
  /** session token: the session_id */
  sid?: string;
  /** granted scopes, space-separated, or FULL for a session token */
  scp?: string;
  /** lowercase hex SHA-256 of METHOD + request-target + body */
  sig?: string;
  /** request id (UUID), single use */
  jti?: string;
  iat?: number;
  exp?: number;
  /** service login: the client_id the token is minted for */
  aud?: string;
  [name: string]: unknown;
}

export interface ParsedJws {
  header: JwsHeader;
  claims: SignedTokenClaims;
  /** the exact bytes that were signed: `header.payload` as received */
  signingInput: string;
  signature: Uint8Array;
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// char code -> 6-bit value, -1 for anything outside the alphabet (padding included)
const BASE64URL_VALUES = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE64URL_ALPHABET.length; i++) values[BASE64URL_ALPHABET.charCodeAt(i)] = i;
  return values;
})();

/**
 * Unpadded base64url to bytes; null for any other character or an impossible length.
 * A table walk rather than atob: the server decodes three segments on every signed call.
 */
export function base64UrlToBytes(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const bytes = new Uint8Array((text.length * 3) >> 2);
  let buffer = 0;
  let bits = 0;
  let next = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (BASE64URL_VALUES[code] as number) : -1;
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[next++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes;
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// stateless for whole-buffer decodes, so one serves every call
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeJsonSegment(segment: string): Record<string, unknown> | null {
  const bytes = base64UrlToBytes(segment);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Splits and decodes a compact JWS; null when it is not one. Says nothing about validity. */
export function parseCompactJws(token: string): ParsedJws | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJsonSegment(headerPart);
  const claims = decodeJsonSegment(payloadPart);
  const signature = base64UrlToBytes(signaturePart);
  if (!header || !claims || !signature) return null;
  return { header, claims: claims as SignedTokenClaims, signingInput: `${headerPart}.${payloadPart}`, signature };
}

/** The text whose SHA-256 is the `sig` claim: METHOD + request-target + body. */
export function signatureBase(method: string, requestTarget: string, body: string): string {
  return method.toUpperCase() + requestTarget + body;
}

export const FULL_SCOPE = 'FULL';

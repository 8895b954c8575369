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
 * Unpadded base64url to bytes; null for any other character, an impossible length, or
 * a last character whose unused low bits are not zero (RFC 4648 §3.5: only the canonical
 * spelling is accepted, so one token has one spelling). A table walk rather than atob:
 * the server decodes three segments on every signed call.
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
  // the 0, 2 or 4 bits left over must be zero
  return (buffer & ((1 << bits) - 1)) === 0 ? bytes : null;
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// stateless for whole-buffer decodes, so one serves every call
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Is the character at `at` escaped, that is preceded by an odd run of backslashes? */
function escaped(json: string, at: number): boolean {
  let backslashes = 0;
  while (json.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
  return backslashes % 2 === 1;
}

/** Where the string opened at `open` ends: its next unescaped quote (indexOf, not a walk: strings are most of a token). */
function closingQuote(json: string, open: number): number {
  let close = json.indexOf('"', open + 1);
  while (close !== -1 && escaped(json, close)) close = json.indexOf('"', close + 1);
  return close === -1 ? json.length : close;
}

/**
 * How many members the outermost object of a JSON text names: its colons at depth 1,
 * outside strings. Only for text JSON.parse has accepted, where every such colon
 * separates one name from its value.
 */
function topLevelMembers(json: string): number {
  let members = 0;
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code === 0x22) i = closingQuote(json, i);
    else if (code === 0x7b || code === 0x5b) depth++;
    else if (code === 0x7d || code === 0x5d) depth--;
    else if (code === 0x3a && depth === 1) members++;
  }
  return members;
}

/**
 * A JSON object, or null. A name written twice is refused rather than resolved to its
 * last value (RFC 7515 §5.2 allows either): a token must mean one thing to every
 * parser. JSON.parse keeps one property per name, so fewer properties than the names
 * written means a repeat; nested objects are not checked, as no claim is read from one.
 */
function decodeJsonSegment(segment: string): Record<string, unknown> | null {
  const bytes = base64UrlToBytes(segment);
  if (!bytes) return null;
  try {
    const text = utf8.decode(bytes);
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    return Object.keys(value).length === topLevelMembers(text) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * RFC 7515 §4.1.11: a JWS naming a critical extension its reader does not understand is
 * invalid, and Signet understands none. `b64: false` (RFC 7797) would mean an unencoded
 * payload, which this parser never reads; only the default `true` may be spelled out.
 */
function usesExtensions(header: JwsHeader): boolean {
  return header.crit !== undefined || (header.b64 !== undefined && header.b64 !== true);
}

/**
 * Splits and decodes a compact JWS; null when it is not one, or not in the one form
 * accepted: canonical base64url, no repeated names, no extensions. Says nothing about
 * the signature or the claims.
 */
export function parseCompactJws(token: string): ParsedJws | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJsonSegment(headerPart);
  if (!header || usesExtensions(header)) return null;
  const claims = decodeJsonSegment(payloadPart);
  const signature = base64UrlToBytes(signaturePart);
  if (!claims || !signature) return null;
  return { header, claims: claims as SignedTokenClaims, signingInput: `${headerPart}.${payloadPart}`, signature };
}

/** The text whose SHA-256 is the `sig` claim: METHOD + request-target + body. */
export function signatureBase(method: string, requestTarget: string, body: string): string {
  return method.toUpperCase() + requestTarget + body;
}

export const FULL_SCOPE = 'FULL';

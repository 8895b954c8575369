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

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function base64UrlToBytes(text: string): Uint8Array | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeJsonSegment(segment: string): Record<string, unknown> | null {
  const bytes = base64UrlToBytes(segment);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
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

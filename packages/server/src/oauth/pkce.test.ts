import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeVerifierMatches, isValidCodeVerifier } from './pkce.js';

const b64url = (bytes: Buffer) => bytes.toString('base64url');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

describe('PKCE S256', () => {
  it('accepts RFC 7636 Appendix B', () => {
    expect(
      codeVerifierMatches('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
    ).toBe(true);
  });

  it('accepts the Mixin SDK variant: SHA-256 of the bytes the verifier encodes', () => {
    const seed = randomBytes(32);
    expect(codeVerifierMatches(b64url(sha256(seed)), b64url(seed))).toBe(true);
  });

  it('refuses a verifier for another challenge, in either form', () => {
    const seed = randomBytes(32);
    const other = b64url(randomBytes(32));
    expect(codeVerifierMatches(b64url(sha256(seed)), other)).toBe(false);
    expect(codeVerifierMatches(b64url(sha256(b64url(seed))), other)).toBe(false);
  });

  it('refuses the challenge itself sent as the verifier (plain is not supported)', () => {
    const verifier = b64url(randomBytes(32));
    const challenge = b64url(sha256(verifier));
    expect(codeVerifierMatches(challenge, challenge)).toBe(false);
  });

  it('refuses a non-canonical base64url spelling of the Mixin bytes', () => {
    const seed = randomBytes(32);
    const verifier = b64url(seed);
    // the last character carries 2 unused bits: changing them decodes to the same bytes
    const last = verifier.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[(alphabet.indexOf(last) ^ 1) % 64] ?? 'A';
    const twin = verifier.slice(0, -1) + sibling;
    expect(Buffer.from(twin, 'base64url').equals(seed)).toBe(true);
    expect(codeVerifierMatches(b64url(sha256(seed)), twin)).toBe(false);
  });

  it('checks the verifier syntax of RFC 7636 §4.1', () => {
    expect(isValidCodeVerifier('a'.repeat(43))).toBe(true);
    expect(isValidCodeVerifier('a'.repeat(128))).toBe(true);
    expect(isValidCodeVerifier('a'.repeat(42))).toBe(false);
    expect(isValidCodeVerifier('a'.repeat(129))).toBe(false);
    expect(isValidCodeVerifier(`${'a'.repeat(42)}~._-`)).toBe(true);
    expect(isValidCodeVerifier(`${'a'.repeat(43)}+`)).toBe(false);
  });
});

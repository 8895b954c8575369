import { describe, expect, it } from 'vitest';
import { base64UrlToBytes, bytesToBase64Url, parseCompactJws, signatureBase } from './jws.js';

const enc = (value: unknown) => bytesToBase64Url(new TextEncoder().encode(JSON.stringify(value)));

describe('compact JWS', () => {
  it('parses and keeps the signing input exactly as received', () => {
    const header = enc({ alg: 'EdDSA', typ: 'JWT' });
    const payload = enc({ uid: 'u', sid: 's', iat: 1 });
    const parsed = parseCompactJws(`${header}.${payload}.${bytesToBase64Url(new Uint8Array([1, 2, 3]))}`);
    expect(parsed?.header.alg).toBe('EdDSA');
    expect(parsed?.claims.uid).toBe('u');
    expect(parsed?.signingInput).toBe(`${header}.${payload}`);
    expect([...(parsed?.signature ?? [])]).toEqual([1, 2, 3]);
  });
  it('refuses what is not a compact JWS', () => {
    expect(parseCompactJws('a.b')).toBeNull();
    expect(parseCompactJws('a.b.c.d')).toBeNull();
    expect(parseCompactJws(`${enc([1])}.${enc({})}.AA`)).toBeNull();
    expect(parseCompactJws(`${enc({})}.not+base64.AA`)).toBeNull();
  });
  it('round-trips base64url without padding', () => {
    const bytes = new Uint8Array([251, 255, 0, 1]);
    expect(bytesToBase64Url(bytes)).toBe('-_8AAQ');
    expect([...(base64UrlToBytes('-_8AAQ') ?? [])]).toEqual([...bytes]);
    expect(base64UrlToBytes('a')).toBeNull();
  });
  it('decodes base64url as Node does, for every length and byte, and refuses other alphabets', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length * 31) % 256);
      const text = Buffer.from(bytes).toString('base64url');
      expect(bytesToBase64Url(bytes)).toBe(text);
      expect([...(base64UrlToBytes(text) ?? [])]).toEqual([...bytes]);
    }
    for (const bad of ['ab+c', 'ab/c', 'abc=', 'ab c', 'abcé']) expect(base64UrlToBytes(bad)).toBeNull();
  });
  it('builds the sig base from method, target and body', () => {
    expect(signatureBase('post', '/transfers?x=1', '{"a":1}')).toBe('POST/transfers?x=1{"a":1}');
  });
});

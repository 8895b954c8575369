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
  it('refuses a last character with unused bits set: one spelling per byte string', () => {
    expect([...(base64UrlToBytes('AA') ?? [])]).toEqual([0]);
    expect([...(base64UrlToBytes('AAA') ?? [])]).toEqual([0, 0]);
    // 'B' sets a bit that 'A' leaves at zero, past the last byte: Node decodes both to the same bytes
    expect(Buffer.from('AB', 'base64url')).toEqual(Buffer.from('AA', 'base64url'));
    for (const bad of ['AB', 'AAB', 'AP', 'AAD', '-_8AAR']) expect(base64UrlToBytes(bad), bad).toBeNull();
  });
  it('builds the sig base from method, target and body', () => {
    expect(signatureBase('post', '/transfers?x=1', '{"a":1}')).toBe('POST/transfers?x=1{"a":1}');
  });
});

/** Security review, issue 17 (L3): the parser reads a token one way only, and refuses what it would have to guess at. */
describe('compact JWS: the one accepted form', () => {
  const signature = bytesToBase64Url(new Uint8Array(64).fill(7));
  const text = (json: string) => bytesToBase64Url(new TextEncoder().encode(json));
  const token = (header: string, payload: string) => `${text(header)}.${text(payload)}.${signature}`;
  const HEADER = '{"alg":"EdDSA","typ":"JWT"}';
  const PAYLOAD = '{"uid":"u","sid":"s","iat":1,"exp":2,"jti":"j","sig":"00","scp":"FULL"}';

  it('accepts what the SDKs sign, and b64 spelled out as its default', () => {
    expect(parseCompactJws(token(HEADER, PAYLOAD))?.claims.uid).toBe('u');
    expect(parseCompactJws(token('{"alg":"EdDSA","b64":true}', PAYLOAD))).not.toBeNull();
  });

  it('refuses any crit: no extension is understood (RFC 7515 §4.1.11)', () => {
    for (const crit of ['["urn:example:unknown"]', '["exp"]', '[]', '"b64"']) {
      expect(
        parseCompactJws(token(`{"alg":"EdDSA","crit":${crit},"urn:example:unknown":1}`, PAYLOAD)),
        crit,
      ).toBeNull();
    }
  });

  it('refuses b64 other than true (RFC 7797: an unencoded payload)', () => {
    for (const header of [
      '{"alg":"EdDSA","b64":false,"crit":["b64"]}',
      '{"alg":"EdDSA","b64":false}',
      '{"alg":"EdDSA","b64":"false"}',
    ]) {
      expect(parseCompactJws(token(header, PAYLOAD)), header).toBeNull();
    }
  });

  it('refuses a segment whose last character has unused bits set', () => {
    // 28 and 73 bytes: each segment ends in a character with unused bits, as the signature's does
    const good = token(`${HEADER} `, PAYLOAD);
    expect([`${HEADER} `.length % 3, PAYLOAD.length % 3]).not.toContain(0);
    expect(parseCompactJws(good)).not.toBeNull();
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respell = (segment: string) => segment.slice(0, -1) + ALPHABET[ALPHABET.indexOf(segment.slice(-1)) | 1];
    for (const index of [0, 1, 2]) {
      const parts = good.split('.');
      parts[index] = respell(parts[index] ?? '');
      expect(parseCompactJws(parts.join('.')), `segment ${index}`).toBeNull();
    }
  });

  it('refuses a name written twice, in the header or the payload, however it is escaped', () => {
    const twice = [
      ['{"alg":"none","alg":"EdDSA"}', PAYLOAD],
      [HEADER, '{"uid":"victim","sid":"s","uid":"u"}'],
      [HEADER, '{"uid":"u","\\u0075id":"v"}'],
      [HEADER, '{"__proto__":1,"__proto__":2}'],
    ];
    for (const [header = '', payload = ''] of twice)
      expect(parseCompactJws(token(header, payload)), `${header}.${payload}`).toBeNull();
  });

  it('counts names right around strings with quotes, colons, braces and escapes, and nested objects', () => {
    const tricky = [
      '{"memo":"a\\":\\"b","uid":"u"}',
      '{"memo":"ends in a backslash \\\\","uid":"u"}',
      '{"memo":"{\\"uid\\":1}, [:]","uid":"u"}',
      '{"a:b":1,"uid":"u","nested":{"uid":1,"sid":2},"list":[{"x":1},{"x":2}]}',
      '{ "uid" : "u" , "sid" : [ 1 , { "k" : ":" } ] }',
      '{"\\"":1,"\\\\":2,"uid":"u"}',
    ];
    for (const json of tricky) expect(parseCompactJws(token(HEADER, json))?.claims, json).toEqual(JSON.parse(json));
  });
});

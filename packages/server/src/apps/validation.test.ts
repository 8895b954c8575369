import { describe, expect, it } from 'vitest';
import { InvalidField } from '../errors/platform.js';
import {
  validateAppName,
  validateDescription,
  validateHostPattern,
  validateHostPatterns,
  validateIconUrl,
  validateRedirectUri,
  validateRedirectUris,
  validateWebsite,
} from './validation.js';

/** The InvalidField `fn` throws; fails the test if it throws none. */
function refusal(fn: () => unknown): InvalidField {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidField) return e;
    throw e;
  }
  throw new Error('expected an InvalidField, but the value was accepted');
}

const refusedField = (fn: () => unknown): string => refusal(fn).field;

describe('validateAppName', () => {
  it('trims, then allows 1 to 64 characters', () => {
    expect(validateAppName('  My App \n')).toBe('My App');
    expect(validateAppName('a'.repeat(64))).toBe('a'.repeat(64));
    expect(validateAppName(`   ${'a'.repeat(64)}   `)).toBe('a'.repeat(64));
  });
  it('refuses 65 characters and an empty or blank name, naming the field', () => {
    expect(refusedField(() => validateAppName('a'.repeat(65)))).toBe('name');
    expect(refusedField(() => validateAppName(''))).toBe('name');
    expect(refusedField(() => validateAppName('   '))).toBe('name');
  });
  it('counts code points, not UTF-16 units', () => {
    expect(validateAppName('😀'.repeat(64))).toBe('😀'.repeat(64));
    expect(refusedField(() => validateAppName('😀'.repeat(65)))).toBe('name');
  });
  it('refuses control characters', () => {
    for (const name of ['My\u0000App', 'My\nApp', 'My\u007fApp', 'My\u009bApp']) {
      expect(refusedField(() => validateAppName(name))).toBe('name');
    }
  });
  it('refuses text-direction overrides that could disguise the name on the consent page', () => {
    for (const name of ['Pay\u202Elapyap', 'Bank\u2066x\u2069']) {
      expect(refusedField(() => validateAppName(name))).toBe('name');
    }
  });
  it('states the problem in the message', () => {
    expect(() => validateAppName('a'.repeat(65))).toThrow(/^name: /);
  });
});

describe('validateDescription', () => {
  it('allows up to 512 code points', () => {
    expect(validateDescription('')).toBe('');
    expect(validateDescription('😀'.repeat(512))).toBe('😀'.repeat(512));
  });
  it('refuses 513', () => {
    expect(refusedField(() => validateDescription('d'.repeat(513)))).toBe('description');
  });
});

describe.each([
  ['website', validateWebsite],
  ['icon_url', validateIconUrl],
] as const)('%s', (field, validate) => {
  it('allows an empty value and absolute https URLs', () => {
    expect(validate('')).toBe('');
    expect(validate('https://example.com')).toBe('https://example.com');
    expect(validate('https://example.com/a/icon.png?v=2#top')).toBe('https://example.com/a/icon.png?v=2#top');
  });
  // prettier-ignore
  it.each([
    'http://example.com',
    'ftp://example.com/',
    'javascript:alert(1)',
    'example.com',
    '/relative/path',
    '//example.com/',
    'https:example.com',
    'https://user@example.com/',
    'https://user:pw@example.com/',
    'https://@example.com/',
    ' https://example.com',
    'https://exa mple.com',
    'https://example.com/a b',
    'https://example.com/\tx',
    'https://example.com/a\\b',
    'https://example.com\\@evil.com/',
    `https://example.com/${'x'.repeat(2048)}`,
  ])('refuses %j', (url) => {
    expect(refusedField(() => validate(url))).toBe(field);
  });
});

describe('validateRedirectUri', () => {
  // prettier-ignore
  it.each([
    'https://app.example.com/cb',
    'https://example.com:8443/cb?x=1',
    'HTTPS://app.example.com/cb',
    'http://127.0.0.1/cb',
    'http://127.0.0.1:8080/cb',
    'http://[::1]:3000/cb',
    'http://localhost/cb',
    'com.example.app:/cb',
    'com.example.app://callback/path',
    `https://a.com/${'x'.repeat(2048 - 'https://a.com/'.length)}`,
  ])('accepts %j unchanged', (uri) => {
    expect(validateRedirectUri(uri)).toBe(uri);
  });

  it.each([
    ['non-loopback http', 'http://example.com/cb'],
    ['http to a look-alike of localhost', 'http://localhost.evil.com/cb'],
    ['a fragment', 'https://a.com/cb#x'],
    ['an empty fragment', 'https://a.com/cb#'],
    ['a fragment in a private-use URI', 'com.example.app:/cb#x'],
    ['userinfo', 'https://user@a.com/cb'],
    ['userinfo with a password', 'https://user:pw@a.com/cb'],
    ['userinfo in a private-use URI', 'com.example.app://user@host/cb'],
    ['a relative path', '/cb'],
    ['a bare word', 'cb'],
    ['a scheme-relative URI', '//a.com/cb'],
    ['no slashes after https:', 'https:a.com/cb'],
    ['inner whitespace', 'https://a.com/c b'],
    ['leading whitespace', ' https://a.com/cb'],
    ['a trailing newline', 'https://a.com/cb\n'],
    ['a tab the parser would drop', 'https://a.c\tom/cb'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,hi'],
    ['file:', 'file:///etc/passwd'],
    ['vbscript:', 'vbscript:msgbox(1)'],
    ['blob:', 'blob:https://a.com/0b1c'],
    ['about:', 'about:blank'],
    ['a private-use scheme without a period', 'myapp:/cb'],
    ['a private-use scheme with nothing after it', 'com.example.app:'],
    ['a backslash', 'https://a.com\\@b.com/'],
    ['a backslash in the path', 'https://a.com/c\\b'],
    ['an empty userinfo in a private-use URI', 'com.example.app://@host/cb'],
    ['a percent-encoded host', 'https://evil.com%2F.a.com/'],
    ['a shorthand loopback address', 'http://127.1/cb'],
    ['a hex loopback address', 'http://0x7f.0.0.1/cb'],
    ['a Unicode host', 'https://bücher.example/cb'],
    ['2049 characters', `https://a.com/${'x'.repeat(2049 - 'https://a.com/'.length)}`],
  ])('refuses %s', (_why, uri) => {
    expect(refusedField(() => validateRedirectUri(uri))).toBe('redirect_uris');
  });
  it('says why', () => {
    expect(refusal(() => validateRedirectUri('https://a.com/c b')).message).toMatch(/whitespace/);
    expect(refusal(() => validateRedirectUri(`https://a.com/${'x'.repeat(2048)}`)).message).toMatch(/longer than 2048/);
    expect(refusal(() => validateRedirectUri('http://example.com/cb')).message).toMatch(/http only for/);
    expect(refusal(() => validateRedirectUri('https://a.com/cb#x')).message).toMatch(/fragment/);
  });
});

describe('validateRedirectUris', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => `https://a.com/cb${i}`);
  it('allows an empty list', () => {
    expect(validateRedirectUris([])).toEqual([]);
  });
  it('removes duplicates, keeping order', () => {
    expect(validateRedirectUris(['https://b.com/cb', 'https://a.com/cb', 'https://b.com/cb'])).toEqual([
      'https://b.com/cb',
      'https://a.com/cb',
    ]);
  });
  it('allows 20 and refuses 21', () => {
    expect(validateRedirectUris(many(20))).toHaveLength(20);
    expect(refusedField(() => validateRedirectUris(many(21)))).toBe('redirect_uris');
  });
  it('refuses the list when one entry is bad', () => {
    expect(refusedField(() => validateRedirectUris(['https://a.com/cb', 'http://a.com/cb']))).toBe('redirect_uris');
  });
});

describe('validateHostPattern', () => {
  const longest = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');
  it.each([
    ['example.com', 'example.com'],
    ['Example.COM', 'example.com'],
    ['*.example.com', '*.example.com'],
    ['*.Example.com', '*.example.com'],
    ['*.a.b.example.com', '*.a.b.example.com'],
    ['*.example.co.uk', '*.example.co.uk'],
    ['*.me.github.io', '*.me.github.io'],
    ['co.uk', 'co.uk'],
    ['localhost', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['a-b.example.com', 'a-b.example.com'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
    [longest, longest],
  ])('accepts %j as %j', (pattern, expected) => {
    expect(validateHostPattern(pattern)).toBe(expected);
  });

  // The message is what the developer sees, so each refusal must say why.
  it.each([
    ['a public suffix wildcard', '*.com', /two labels after/],
    ['a two-label public suffix wildcard', '*.co.uk', /whole public suffix/],
    ['a private public suffix wildcard', '*.github.io', /whole public suffix/],
    ['an upper-case public suffix wildcard', '*.CO.UK', /whole public suffix/],
    ['a bare *', '*', /two labels after/],
    ['* inside a label', 'ex*mple.com', /whole first label/],
    ['* as a later label', 'a.*.com', /whole first label/],
    ['* as part of the first label', '*foo.com', /whole first label/],
    ['two wildcards', '*.*.example.com', /whole first label/],
    ['a port', 'example.com:443', /port/],
    ['a trailing dot', 'example.com.', /end with a dot/],
    ['a scheme', 'https://x.com', /scheme/],
    ['a path', 'x.com/a', /path/],
    ['userinfo', 'u@x.com', /user name/],
    ['an empty label', 'a..com', /invalid label/],
    ['a leading dot', '.example.com', /invalid label/],
    ['a label starting with -', '-a.com', /invalid label/],
    ['a label ending with -', 'a-.com', /invalid label/],
    ['an underscore', 'a_b.com', /invalid label/],
    ['a Unicode label', 'bücher.example', /invalid label/],
    ['a Kelvin sign that lower-cases to k', 'exam\u212Aple.com', /invalid label/],
    ['a space', ' example.com', /invalid label/],
    ['a 64-character label', `${'a'.repeat(64)}.com`, /invalid label/],
    ['254 characters', `${longest}d`, /longer than 253/],
    ['an empty pattern', '', /empty/],
    ['a wildcard over an IP address', '*.0.0.1', /IP address/],
    ['a shorthand IPv4 address', '127.1', /IPv4/],
    ['an out-of-range IPv4 address', '999.1.1.1', /IPv4/],
    ['a hex IPv4 label', 'a.0x7f', /IPv4/],
  ])('refuses %s', (_why, pattern, reason) => {
    const error = refusal(() => validateHostPattern(pattern));
    expect(error.field).toBe('hosts');
    expect(error.message).toMatch(/^hosts: /);
    expect(error.message).toMatch(reason);
  });
});

describe('validateHostPatterns', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => `h${i}.example.com`);
  it('allows an empty list and removes duplicates ignoring case', () => {
    expect(validateHostPatterns([])).toEqual([]);
    const patterns = ['*.example.com', 'A.com', '*.EXAMPLE.com', 'a.com'];
    expect(validateHostPatterns(patterns)).toEqual(['*.example.com', 'a.com']);
  });
  it('allows 20 and refuses 21', () => {
    expect(validateHostPatterns(many(20))).toHaveLength(20);
    expect(refusedField(() => validateHostPatterns(many(21)))).toBe('hosts');
  });
  it('refuses the list when one entry is bad', () => {
    expect(refusedField(() => validateHostPatterns(['example.com', '*.com']))).toBe('hosts');
  });
});

import { describe, expect, it } from 'vitest';
import {
  hostMatchesPattern,
  isLoopbackRedirect,
  isRedirectUriAllowed,
  matchRedirectUri,
  resolveRedirectUri,
} from './redirects.js';

describe('isLoopbackRedirect', () => {
  it.each(['http://127.0.0.1/cb', 'http://127.0.0.1:5555/cb', 'http://[::1]:80/cb', 'http://localhost/cb'])(
    'accepts %s',
    (uri) => expect(isLoopbackRedirect(new URL(uri))).toBe(true),
  );
  it.each(['https://127.0.0.1/cb', 'http://127.0.0.2/cb', 'http://example.com/cb', 'http://localhost.example.com/'])(
    'refuses %s',
    (uri) => expect(isLoopbackRedirect(new URL(uri))).toBe(false),
  );
});

describe('hostMatchesPattern', () => {
  it('matches a literal pattern only exactly, ignoring case', () => {
    expect(hostMatchesPattern('example.com', 'example.com')).toBe(true);
    expect(hostMatchesPattern('EXAMPLE.com', 'example.COM')).toBe(true);
    expect(hostMatchesPattern('a.example.com', 'example.com')).toBe(false);
    expect(hostMatchesPattern('example.com.evil.net', 'example.com')).toBe(false);
    expect(hostMatchesPattern('127.0.0.1', '127.0.0.1')).toBe(true);
  });
  it('matches subdomains at any depth for *.', () => {
    expect(hostMatchesPattern('a.example.com', '*.example.com')).toBe(true);
    expect(hostMatchesPattern('a.b.example.com', '*.example.com')).toBe(true);
    expect(hostMatchesPattern('A.Example.COM', '*.example.com')).toBe(true);
  });
  it.each([
    ['the bare domain', 'example.com'],
    ['a name merely ending the same', 'evilexample.com'],
    ['the domain under another', 'example.com.evil.net'],
    ['a subdomain under another', 'a.example.com.evil.net'],
    ['a trailing dot', 'a.example.com.'],
    ['an empty first label', '.example.com'],
    ['an empty inner label', 'a..example.com'],
    ['a Kelvin sign that lower-cases to k', '\u212A.example.com'],
    ['a host with a port', 'a.example.com:443'],
  ])('*.example.com does not match %s', (_why, host) => {
    expect(hostMatchesPattern(host, '*.example.com')).toBe(false);
  });
  it('never matches a trailing-dot host, even against a literal', () => {
    expect(hostMatchesPattern('example.com.', 'example.com')).toBe(false);
    expect(hostMatchesPattern('example.com.', 'example.com.')).toBe(false);
  });
  it('matches nothing with a pattern registration would refuse', () => {
    expect(hostMatchesPattern('evil.com', '*.com')).toBe(false);
    expect(hostMatchesPattern('evil.co.uk', '*.co.uk')).toBe(false);
    expect(hostMatchesPattern('someone.github.io', '*.github.io')).toBe(false);
    expect(hostMatchesPattern('evil.com', '*')).toBe(false);
    expect(hostMatchesPattern('a.b.com', 'a.*.com')).toBe(false);
    expect(hostMatchesPattern('foo.com', '*foo.com')).toBe(false);
  });
  it('gives IP addresses no subdomains', () => {
    expect(hostMatchesPattern('1.0.0.1', '*.0.0.1')).toBe(false);
  });
});

describe('isRedirectUriAllowed', () => {
  const app = {
    redirectUris: ['https://app.example.com/cb', 'http://127.0.0.1/cb', 'com.example.app:/cb'],
    hosts: ['*.example.com', 'partner.org'],
  };

  it('allows a registered URI exactly', () => {
    for (const uri of app.redirectUris) expect(isRedirectUriAllowed(app, uri)).toBe(true);
    const exactOnly = { redirectUris: ['https://exact.example.org:8443/cb'], hosts: [] };
    expect(isRedirectUriAllowed(exactOnly, 'https://exact.example.org:8443/cb')).toBe(true);
    expect(isRedirectUriAllowed(exactOnly, 'https://exact.example.org:8443/cb/')).toBe(false);
  });

  it('refuses an empty string', () => {
    expect(isRedirectUriAllowed({ redirectUris: [''], hosts: [] }, '')).toBe(false);
  });

  describe('loopback (RFC 8252 §7.3)', () => {
    it('ignores the port when the registered URI has none', () => {
      expect(isRedirectUriAllowed(app, 'http://127.0.0.1:5555/cb')).toBe(true);
    });
    it('ignores the port when the registered URI has another one', () => {
      const withPort = { redirectUris: ['http://127.0.0.1:1234/cb'], hosts: [] };
      expect(isRedirectUriAllowed(withPort, 'http://127.0.0.1:5555/cb')).toBe(true);
      expect(isRedirectUriAllowed(withPort, 'http://127.0.0.1/cb')).toBe(true);
    });
    it('works for [::1] and localhost too', () => {
      const v6 = { redirectUris: ['http://[::1]/cb', 'http://localhost:80/cb'], hosts: [] };
      expect(isRedirectUriAllowed(v6, 'http://[::1]:5555/cb')).toBe(true);
      expect(isRedirectUriAllowed(v6, 'http://localhost:5555/cb')).toBe(true);
    });
    it.each([
      ['another path', 'http://127.0.0.1:5555/other'],
      ['another query', 'http://127.0.0.1:5555/cb?x=1'],
      ['another loopback host', 'http://localhost:5555/cb'],
      ['a shorthand address', 'http://127.1:5555/cb'],
      ['userinfo', 'http://u@127.0.0.1:5555/cb'],
      ['a fragment', 'http://127.0.0.1:5555/cb#x'],
      ['https instead of http', 'https://127.0.0.1:5555/cb'],
    ])('still compares everything else: refuses %s', (_why, uri) => {
      expect(isRedirectUriAllowed(app, uri)).toBe(false);
    });
    it('does not ignore the port for a non-loopback URI', () => {
      const exactOnly = { redirectUris: ['https://exact.example.org:8443/cb'], hosts: [] };
      expect(isRedirectUriAllowed(exactOnly, 'https://exact.example.org:9443/cb')).toBe(false);
      expect(isRedirectUriAllowed(exactOnly, 'https://exact.example.org/cb')).toBe(false);
    });
  });

  describe('host patterns', () => {
    it.each([
      'https://a.example.com/anything?x=1',
      'https://a.b.example.com/cb',
      'https://A.Example.com/cb',
      'https://partner.org/cb',
    ])('allows %s', (uri) => {
      expect(isRedirectUriAllowed(app, uri)).toBe(true);
    });
    it('allows loopback http through a pattern, but without a port', () => {
      const local = { redirectUris: [], hosts: ['localhost'] };
      expect(isRedirectUriAllowed(local, 'http://localhost/cb')).toBe(true);
      expect(isRedirectUriAllowed(local, 'http://localhost:8080/cb')).toBe(false);
    });

    it.each([
      ['the bare domain of a wildcard', 'https://example.com/cb'],
      ['a look-alike suffix', 'https://evilexample.com/cb'],
      ['the pattern as a prefix of another domain', 'https://a.example.com.evil.net/cb'],
      ['a subdomain of a literal pattern', 'https://sub.partner.org/cb'],
      ['non-loopback http', 'http://a.example.com/cb'],
      ['a fragment', 'https://a.example.com/cb#x'],
      ['a bare trailing #', 'https://a.example.com/cb#'],
      ['the default port written out', 'https://a.example.com:443/cb'],
      ['another port', 'https://a.example.com:8443/cb'],
      ['an empty port', 'https://a.example.com:/cb'],
      ['userinfo', 'https://user@a.example.com/cb'],
      ['userinfo with a password', 'https://user:pw@a.example.com/cb'],
      ['an empty userinfo', 'https://@a.example.com/cb'],
      ['an allowed host as userinfo', 'https://a.example.com@evil.com/'],
      ['a backslash before @', 'https://evil.com\\@a.example.com/'],
      ['a backslash before the allowed suffix', 'https://evil.com\\.example.com/'],
      ['a backslash as the path separator', 'https://a.example.com\\cb'],
      ['a backslash in the path', 'https://a.example.com/cb\\..\\x'],
      ['an encoded slash in the host', 'https://evil.com%2F.example.com/'],
      ['an encoded dot in the host', 'https://x%2Eexample.com/'],
      ['a Unicode host that becomes punycode', 'https://bücher.example.com/cb'],
      ['a full-width dot', 'https://a\uFF0Eexample.com/cb'],
      ['a Kelvin sign', 'https://\u212A.example.com/cb'],
      ['a trailing-dot host', 'https://a.example.com./cb'],
      ['a tab the parser would drop', 'https://a.exa\tmple.com/cb'],
      ['leading whitespace', ' https://a.example.com/cb'],
      ['a trailing newline', 'https://a.example.com/cb\n'],
      ['a space in the path', 'https://a.example.com/c b'],
      ['a control character', 'https://a.example.com/c\u0000b'],
      ['no slashes after the scheme', 'https:a.example.com/cb'],
      ['one slash after the scheme', 'https:/a.example.com/cb'],
      ['three slashes after the scheme', 'https:///a.example.com/cb'],
      ['a scheme-relative URI', '//a.example.com/cb'],
      ['a relative path', '/cb'],
      ['javascript:', 'javascript://a.example.com/%0aalert(1)'],
      ['an over-long URI', `https://a.example.com/${'x'.repeat(2048)}`],
    ])('refuses %s', (_why, uri) => {
      expect(isRedirectUriAllowed(app, uri)).toBe(false);
    });

    it('refuses a shorthand IP that normalizes onto an allowed one', () => {
      const ip = { redirectUris: [], hosts: ['127.0.0.1'] };
      expect(isRedirectUriAllowed(ip, 'http://127.0.0.1/cb')).toBe(true);
      expect(isRedirectUriAllowed(ip, 'http://127.1/cb')).toBe(false);
      expect(isRedirectUriAllowed(ip, 'http://0x7f.0.0.1/cb')).toBe(false);
    });
  });
});

describe('matchRedirectUri', () => {
  const app = {
    redirectUris: ['https://app.example.com/cb', 'http://127.0.0.1/cb', 'com.example.app:/cb'],
    hosts: ['*.example.com', 'partner.org'],
  };

  it('calls a registered URI exact, a loopback one on another port included (RFC 8252 §7.3)', () => {
    for (const uri of app.redirectUris) expect(matchRedirectUri(app, uri)).toBe('exact');
    expect(matchRedirectUri(app, 'http://127.0.0.1:5555/cb')).toBe('exact');
  });

  it('calls a URI that only a host pattern allows host_pattern: another path, another subdomain, a plain host entry', () => {
    // the registered host itself, on another path, is no more the app's than a taken-over subdomain
    expect(matchRedirectUri(app, 'https://app.example.com/other')).toBe('host_pattern');
    expect(matchRedirectUri(app, 'https://evil.example.com/cb')).toBe('host_pattern');
    expect(matchRedirectUri(app, 'https://partner.org/cb')).toBe('host_pattern');
  });

  it('gives null for what neither allows', () => {
    expect(matchRedirectUri(app, 'https://example.com/cb')).toBeNull();
    expect(matchRedirectUri(app, 'https://evil.example.com:443/cb')).toBeNull();
    expect(matchRedirectUri(app, '')).toBeNull();
  });
});

describe('resolveRedirectUri', () => {
  const one = { redirectUris: ['https://app.example.com/cb'], hosts: ['*.example.com'] };
  const two = { redirectUris: ['https://app.example.com/cb', 'https://app.example.com/cb2'], hosts: [] };
  const none = { redirectUris: [], hosts: ['*.example.com'] };

  it('uses the only registered URI when none is requested', () => {
    expect(resolveRedirectUri(one, undefined)).toEqual({ uri: 'https://app.example.com/cb', match: 'exact' });
    expect(resolveRedirectUri(one, '')).toEqual({ uri: 'https://app.example.com/cb', match: 'exact' });
  });
  it('gives null when none is requested and there is not exactly one', () => {
    expect(resolveRedirectUri(two, undefined)).toBeNull();
    expect(resolveRedirectUri(none, undefined)).toBeNull();
  });
  it('gives the requested URI when allowed, and whether only a host pattern allows it', () => {
    expect(resolveRedirectUri(two, 'https://app.example.com/cb2')).toEqual({
      uri: 'https://app.example.com/cb2',
      match: 'exact',
    });
    expect(resolveRedirectUri(one, 'https://other.example.com/x')).toEqual({
      uri: 'https://other.example.com/x',
      match: 'host_pattern',
    });
    const loop = { redirectUris: ['http://127.0.0.1/cb'], hosts: [] };
    expect(resolveRedirectUri(loop, 'http://127.0.0.1:5555/cb')).toEqual({
      uri: 'http://127.0.0.1:5555/cb',
      match: 'exact',
    });
  });
  it('gives null for a refused request, never falling back to the registered one', () => {
    expect(resolveRedirectUri(one, 'https://evil.com/cb')).toBeNull();
  });
});

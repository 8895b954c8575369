/**
 * Redirect URI matching for /oauth/authorize (PROTOCOL.md §2).
 *
 * The rule throughout: a URI is accepted only when the raw string and the WHATWG parse
 * agree on every part that matters. Browsers follow the WHATWG parse, so any place where
 * it would read the string differently from a naive reading (backslashes, stray `@`,
 * percent-encoded or Unicode hosts, missing slashes) is a place an attacker can hide a
 * different destination. Anything unusual is refused rather than normalized.
 */

import type { AuthorizationCodesTable } from '../storage/tables.js';
import { isPublicSuffix } from './public-suffix.js';

export const MAX_REDIRECT_URI_LENGTH = 2048;

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** A http(s) URI whose raw text and WHATWG parse agree; see parseStrictWebUri. */
export interface StrictWebUri {
  url: URL;
  scheme: 'http' | 'https';
  /** Lower-cased, exactly as written (never normalized). */
  host: string;
  /** True when the raw string names a port, even an empty or default one (`x.com:443`). */
  hasPort: boolean;
  /** Everything after the authority, raw: path and query. */
  rest: string;
}

// Printable ASCII without space. Unicode hosts become punycode and Unicode paths get
// percent-encoded, so what the browser visits would differ from what was compared.
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const AUTHORITY_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;
const HOST_AND_PORT = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/s;
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])$/;

/**
 * Parses `raw` as an http or https URI, or gives null when it is anything else or when
 * the parser would see a different host than the raw text shows. Fragments and userinfo
 * are refused outright: neither has any legitimate use in a redirect URI.
 */
export function parseStrictWebUri(raw: string): StrictWebUri | null {
  if (raw.length > MAX_REDIRECT_URI_LENGTH || !PRINTABLE_ASCII.test(raw)) return null;
  // WHATWG reads `\` as `/` in http(s) URLs; a bare `#` would be dropped from `hash`.
  if (raw.includes('\\') || raw.includes('#')) return null;
  const form = AUTHORITY_FORM.exec(raw);
  if (!form) return null; // relative, or `https:host` without slashes
  const [, rawScheme = '', authority = '', rest = ''] = form;
  const scheme = rawScheme.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return null;
  if (authority.includes('@')) return null;
  const hostPort = HOST_AND_PORT.exec(authority);
  const rawHost = hostPort?.[1] ?? '';
  if (!PLAIN_HOST.test(rawHost)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const host = rawHost.toLowerCase();
  // Catches every normalization: `0x7f.1`, `[0:0::1]`, `https:///evil.com`, ...
  if (url.hostname !== host || url.username !== '' || url.password !== '' || url.hash !== '') return null;
  return { url, scheme, host, hasPort: hostPort?.[2] !== undefined, rest };
}

export function isLoopbackRedirect(uri: URL): boolean {
  return uri.protocol === 'http:' && LOOPBACK_HOSTS.has(uri.hostname);
}

const HOST_NAME = /^[A-Za-z0-9.-]+$/;

/**
 * Does `host` (a bare host name, no port) match a registered host pattern?
 * `*.example.com` matches subdomains at any depth, never the bare `example.com`.
 */
export function hostMatchesPattern(host: string, pattern: string): boolean {
  // Checked before lower-casing: toLowerCase maps some non-ASCII letters onto ASCII
  // (U+212A KELVIN SIGN becomes `k`).
  if (!HOST_NAME.test(host)) return false;
  const h = host.toLowerCase();
  // A trailing dot or empty label is a different name to a resolver; never guess.
  if (h.split('.').includes('')) return false;
  const wildcard = pattern.startsWith('*.');
  const base = wildcard ? pattern.slice(2) : pattern;
  if (!HOST_NAME.test(base)) return false; // a `*` anywhere else: not a valid pattern
  const p = base.toLowerCase();
  if (!wildcard) return h === p;
  // `*.com` and `*.co.uk` are refused at registration; refuse them here too, for rows stored before that rule
  if (!p.includes('.') || isPublicSuffix(p)) return false;
  // IP addresses have no subdomains; `1.0.0.1` must not match `*.0.0.1`.
  if (/^[\d.]+$/.test(h)) return false;
  // The leading dot in the suffix is what keeps `evilexample.com` out.
  const suffix = `.${p}`;
  return h.length > suffix.length && h.endsWith(suffix);
}

/** Loopback http URIs compare on everything except the port (RFC 8252 §7.3). */
function loopbackKey(raw: string): string | null {
  const parsed = parseStrictWebUri(raw);
  if (!parsed || !isLoopbackRedirect(parsed.url)) return null;
  return `http://${parsed.host}${parsed.rest}`;
}

export interface RedirectPolicy {
  redirectUris: readonly string[];
  hosts: readonly string[];
}

/**
 * How a redirect URI is allowed: `exact` (registered, or a registered loopback URI on
 * another port) or `host_pattern` (only a host pattern allows it). A host pattern vouches
 * for every path on every host under it, some of which the app may not control (a
 * taken-over subdomain, a user-content host), so such a URI never skips consent and its
 * code needs more at the token endpoint (RFC 9700 §2.1).
 */
export type RedirectUriMatch = AuthorizationCodesTable['redirect_uri_match'];

/** How `requested` is allowed for this app, or null when it is not. */
export function matchRedirectUri(app: RedirectPolicy, requested: string): RedirectUriMatch | null {
  if (typeof requested !== 'string' || requested === '') return null;
  if (app.redirectUris.includes(requested)) return 'exact';

  const key = loopbackKey(requested);
  if (key !== null && app.redirectUris.some((r) => loopbackKey(r) === key)) return 'exact';

  const parsed = parseStrictWebUri(requested);
  if (!parsed) return null;
  // An explicit port (even the default one, which WHATWG drops) is only ever allowed
  // through exact registration: host patterns say nothing about which ports are safe.
  if (parsed.hasPort || parsed.url.port !== '') return null;
  if (parsed.scheme === 'http' && !isLoopbackRedirect(parsed.url)) return null;
  return app.hosts.some((pattern) => hostMatchesPattern(parsed.url.hostname, pattern)) ? 'host_pattern' : null;
}

export function isRedirectUriAllowed(app: RedirectPolicy, requested: string): boolean {
  return matchRedirectUri(app, requested) !== null;
}

export interface ResolvedRedirectUri {
  uri: string;
  match: RedirectUriMatch;
}

/**
 * The redirect URI to use for a request and how it is allowed, or null when none may be
 * used (the caller then shows an error page and must not redirect).
 */
export function resolveRedirectUri(app: RedirectPolicy, requested: string | undefined): ResolvedRedirectUri | null {
  if (requested === undefined || requested === '') {
    const only = app.redirectUris.length === 1 ? app.redirectUris[0] : undefined;
    return only === undefined ? null : { uri: only, match: 'exact' };
  }
  const match = matchRedirectUri(app, requested);
  return match === null ? null : { uri: requested, match };
}

/**
 * Validation of app registration input (PROTOCOL.md §2). Pure: no I/O, throws
 * InvalidField naming the offending field.
 */
import { InvalidField } from '../errors/platform.js';
import { isPublicSuffix } from './public-suffix.js';
import { MAX_REDIRECT_URI_LENGTH, isLoopbackRedirect, parseStrictWebUri } from './redirects.js';

export const MAX_NAME_LENGTH = 64;
export const MAX_DESCRIPTION_LENGTH = 512;
export const MAX_URL_LENGTH = 2048;
export const MAX_REDIRECT_URIS = 20;
export const MAX_HOST_PATTERNS = 20;
const MAX_HOST_LENGTH = 253;

// Lengths are in code points so an emoji counts once, as a person would count it.
const codePoints = (s: string): number => [...s].length;

export function validateAppName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new InvalidField('name', 'must not be empty');
  if (codePoints(trimmed) > MAX_NAME_LENGTH) {
    throw new InvalidField('name', `must be at most ${MAX_NAME_LENGTH} characters`);
  }
  // The name is shown on the consent page; control and bidi-override characters could disguise it.
  if (/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(trimmed)) {
    throw new InvalidField('name', 'must not contain control or text-direction characters');
  }
  return trimmed;
}

export function validateDescription(d: string): string {
  if (codePoints(d) > MAX_DESCRIPTION_LENGTH) {
    throw new InvalidField('description', `must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  return d;
}

function validateHttpsUrl(field: string, url: string): string {
  if (url === '') return '';
  const refusal = new InvalidField(field, 'must be an absolute https URL without user name or password');
  if (url.length > MAX_URL_LENGTH || /[\s\p{Cc}\\]/u.test(url)) throw refusal;
  // Require the slashes: WHATWG would also accept `https:example.com`.
  const form = /^https:\/\/([^/?#]*)/i.exec(url);
  if (!form || form[1]?.includes('@')) throw refusal;
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed?.protocol !== 'https:' || parsed.hostname === '') throw refusal;
  if (parsed.username !== '' || parsed.password !== '') throw refusal;
  return url;
}

export function validateWebsite(url: string): string {
  return validateHttpsUrl('website', url);
}

export function validateIconUrl(url: string): string {
  return validateHttpsUrl('icon_url', url);
}

// RFC 8252 §7.1: a native app's private-use scheme is a reversed domain name, so it
// contains a period; this also keeps out javascript:, data:, file: and their kind.
const PRIVATE_USE = /^[A-Za-z][A-Za-z0-9+-]*(?:\.[A-Za-z0-9+-]+)+:[\x21-\x7e]+$/;

export function validateRedirectUri(uri: string): string {
  const invalid = (problem: string) => new InvalidField('redirect_uris', `${JSON.stringify(uri)} ${problem}`);
  if (uri.length > MAX_REDIRECT_URI_LENGTH) throw invalid(`is longer than ${MAX_REDIRECT_URI_LENGTH} characters`);
  if (/[^\x21-\x7e]/.test(uri)) throw invalid('must not contain whitespace, control or non-ASCII characters');
  if (uri.includes('#')) throw invalid('must not contain a fragment');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) throw invalid('must be an absolute URI');
  if (scheme === 'https' || scheme === 'http') {
    const parsed = parseStrictWebUri(uri);
    if (!parsed) throw invalid('is not a plain absolute URL (no user name, backslash or encoded host)');
    if (scheme === 'http' && !isLoopbackRedirect(parsed.url)) {
      throw invalid('may use http only for 127.0.0.1, [::1] or localhost');
    }
    return uri;
  }
  if (!PRIVATE_USE.test(uri)) {
    throw invalid('must use https, loopback http, or a private-use scheme such as com.example.app:');
  }
  if (/^[^:]*:\/\/[^/?]*@/.test(uri)) throw invalid('must not contain a user name or password');
  const parsed = URL.canParse(uri) ? new URL(uri) : null;
  if (!parsed) throw invalid('is not a valid URI');
  if (parsed.username !== '' || parsed.password !== '') throw invalid('must not contain a user name or password');
  return uri;
}

export function validateRedirectUris(list: string[]): string[] {
  const unique = [...new Set(list.map(validateRedirectUri))];
  if (unique.length > MAX_REDIRECT_URIS) {
    throw new InvalidField('redirect_uris', `at most ${MAX_REDIRECT_URIS} redirect URIs`);
  }
  return unique;
}

// Checked on the raw pattern with explicit ranges: a case-insensitive regex or
// toLowerCase would let non-ASCII letters such as U+212A (KELVIN SIGN) pass as `k`.
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
// WHATWG treats a host whose last label is numeric (decimal or 0x hex) as IPv4.
const NUMERIC_LABEL = /^(?:\d+|0[xX][0-9A-Fa-f]*)$/;
const DOTTED_QUAD = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function validateHostPattern(pattern: string): string {
  const invalid = (problem: string) => new InvalidField('hosts', `${JSON.stringify(pattern)} ${problem}`);
  if (pattern === '') throw invalid('must not be empty');
  if (pattern.length > MAX_HOST_LENGTH) throw invalid(`is longer than ${MAX_HOST_LENGTH} characters`);
  if (pattern.includes('/')) throw invalid('must be a host name, without scheme or path');
  if (pattern.includes('@')) throw invalid('must not contain a user name');
  if (pattern.includes(':')) throw invalid('must not contain a port');
  if (pattern.endsWith('.')) throw invalid('must not end with a dot');
  const labels = pattern.split('.');
  const wildcard = labels[0] === '*';
  const rest = wildcard ? labels.slice(1) : labels;
  if (rest.some((l) => l.includes('*'))) throw invalid('may use * only as the whole first label (*.example.com)');
  // `*.com` would hand out a whole public suffix.
  if (wildcard && rest.length < 2) throw invalid('must have at least two labels after *.');
  for (const label of rest) {
    if (!LABEL.test(label)) throw invalid('has an invalid label (letters, digits and -, 1 to 63 characters)');
  }
  const last = rest[rest.length - 1] ?? '';
  if (NUMERIC_LABEL.test(last)) {
    if (wildcard) throw invalid('may not combine * with an IP address');
    if (!DOTTED_QUAD.test(pattern)) throw invalid('is not a valid IPv4 address');
  }
  if (wildcard && isPublicSuffix(rest.join('.')))
    throw invalid('covers a whole public suffix: use a domain of your own (*.example.co.uk, not *.co.uk)');
  return pattern.toLowerCase();
}

export function validateHostPatterns(list: string[]): string[] {
  const unique = [...new Set(list.map(validateHostPattern))];
  if (unique.length > MAX_HOST_PATTERNS) {
    throw new InvalidField('hosts', `at most ${MAX_HOST_PATTERNS} host patterns`);
  }
  return unique;
}

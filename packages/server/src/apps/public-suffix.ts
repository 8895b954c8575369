import { getPublicSuffix } from 'tldts';

/**
 * Is `host` itself a public suffix (`co.uk`, `github.io`), under which anyone may register
 * a name? A wildcard over one would accept strangers' hosts. The Public Suffix List comes
 * with `tldts`, private entries included: `*.github.io` covers everyone's pages.
 */
export function isPublicSuffix(host: string): boolean {
  const name = host.toLowerCase();
  return getPublicSuffix(name, { allowPrivateDomains: true }) === name;
}

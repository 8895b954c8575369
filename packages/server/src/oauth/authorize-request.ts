import type { RedirectUriMatch } from '../apps/redirects.js';

/** An /oauth/authorize request after every check has passed (PROTOCOL.md §5). */
export interface AuthorizeRequest {
  clientId: string;
  /** the redirect URI the answer goes to (the registered one when the request named none) */
  redirectUri: string;
  /**
   * `host_pattern` when only a host pattern allows redirectUri: consent is then always
   * asked, the page names the host, and the code needs more at the token endpoint
   */
  redirectUriMatch: RedirectUriMatch;
  /** what the request sent, if anything: the token request must then repeat it */
  redirectUriSent: string | undefined;
  /** requested scopes, PROFILE:READ first */
  scopes: string[];
  state: string | undefined;
  /** S256 challenge (Mixin's SHA256 alias normalized), if any */
  codeChallenge: string | undefined;
  /** Mixin: echoed back on the redirect */
  returnTo: string | undefined;
  prompt: 'none' | 'login' | 'consent' | undefined;
  /** approval_prompt=force (Mixer) or prompt=consent */
  forceConsent: boolean;
}

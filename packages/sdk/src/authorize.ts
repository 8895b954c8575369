export interface AuthorizeUrlOptions {
  /** the Signet deployment, e.g. https://auth.example.com */
  issuer: string;
  clientId: string;
  redirectUri?: string;
  /** scopes to ask for; PROFILE:READ is always granted */
  scopes?: readonly string[];
  state?: string;
  /** from createPkce(); required for public apps */
  codeChallenge?: string;
  prompt?: 'none' | 'login' | 'consent';
  /** Mixin: echoed back on the redirect */
  returnTo?: string;
}

/**
 * The URL to send the user's browser to (PROTOCOL.md §5).
 *
 * @example
 * const url = authorizeUrl({ issuer, clientId, redirectUri, scopes: ['PROFILE:READ', 'ASSETS:READ'], state, codeChallenge: pkce.challenge });
 */
export function authorizeUrl(options: AuthorizeUrlOptions): string {
  const url = new URL('/oauth/authorize', options.issuer);
  const params: Record<string, string | undefined> = {
    client_id: options.clientId,
    response_type: 'code',
    redirect_uri: options.redirectUri,
    scope: options.scopes?.join(' '),
    state: options.state,
    code_challenge: options.codeChallenge,
    code_challenge_method: options.codeChallenge ? 'S256' : undefined,
    prompt: options.prompt,
    return_to: options.returnTo,
  };
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * Reads the redirect back from /oauth/authorize, checking `state` and `iss` (RFC 9207).
 *
 * @example
 * const { code } = readAuthorizeResponse(location.href, { issuer, state: saved.state });
 */
export function readAuthorizeResponse(
  callbackUrl: string,
  expected: { issuer: string; state?: string },
): { code: string; returnTo?: string } {
  const params = new URL(callbackUrl).searchParams;
  if (params.get('iss') !== expected.issuer.replace(/\/+$/, ''))
    throw new Error('the response came from another issuer');
  if ((params.get('state') ?? undefined) !== expected.state) throw new Error('state does not match');
  const error = params.get('error');
  if (error)
    throw new Error(
      `authorization failed: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`,
    );
  const code = params.get('code');
  if (!code) throw new Error('no code in the response');
  const returnTo = params.get('return_to') ?? undefined;
  return returnTo === undefined ? { code } : { code, returnTo };
}

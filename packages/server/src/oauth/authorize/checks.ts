import type { AppRow } from '../../apps/repo.js';
import type { RouteContext } from '../../context.js';
import { InvalidRequest } from '../../errors/oauth.js';
import { SignetError } from '../../errors/signet-error.js';
import { type AuthorizeCheck, type AuthorizeDraft, type AuthorizeParams, readParam } from './check.js';
import { checkClient } from './check-client.js';
import { checkPkce } from './check-pkce.js';
import { checkPrompt } from './check-prompt.js';
import { checkRedirectUri } from './check-redirect-uri.js';
import { checkResponseType } from './check-response-type.js';
import { checkScope } from './check-scope.js';
import type { AuthorizeRequest } from '../authorize-request.js';

/**
 * PROTOCOL.md §5, in order. The first two decide where errors may go: until the
 * redirect URI is verified, nothing is ever sent to it.
 */
export const authorizeChecks: readonly AuthorizeCheck[] = [
  checkClient, // client_id names a registered app
  checkRedirectUri, // registered, or allowed by a host pattern
  checkResponseType, // `code`
  checkScope, // known scopes, PROFILE:READ first
  checkPkce, // S256 (or Mixin's SHA256); required for public apps
  checkPrompt, // prompt, approval_prompt
];

/** The parameters an authorize request is made of; the consent form carries exactly these. */
export const AUTHORIZE_PARAMS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'approval_prompt',
  'return_to',
] as const;

/** Only the authorize parameters, as single strings (other fields of a form are not part of the request). */
export function pickAuthorizeParams(source: unknown): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (typeof source !== 'object' || source === null) return params;
  for (const name of AUTHORIZE_PARAMS) {
    const value = (source as Record<string, unknown>)[name];
    if (value !== undefined) params[name] = value;
  }
  return params;
}

export interface ErrorRedirect {
  redirectUri: string;
  state: string | undefined;
}

export type AuthorizeOutcome =
  | { ok: true; request: AuthorizeRequest; app: AppRow }
  /** `redirect` is set only when the error may be sent to the (verified) redirect URI */
  | { ok: false; error: SignetError; redirect?: ErrorRedirect };

/** Runs every check from scratch: the consent form's hidden fields are re-checked like a new request. */
export async function runAuthorizeChecks(context: RouteContext, params: AuthorizeParams): Promise<AuthorizeOutcome> {
  const draft: AuthorizeDraft = {};
  // A repeated state cannot be echoed faithfully, so it is not echoed at all.
  const state = typeof params.state === 'string' && params.state !== '' ? params.state : undefined;
  try {
    for (const check of authorizeChecks) await check({ context, params, draft });
    const returnTo = readParam(params, 'return_to', (message) => new InvalidRequest(message));
    if (typeof params.state !== 'string' && params.state !== undefined)
      throw new InvalidRequest('state must be sent once');
    if (!draft.app || !draft.redirectUri || !draft.redirectUriMatch || !draft.scopes)
      throw new InvalidRequest('The request could not be checked.', { redirectable: false });
    return {
      ok: true,
      app: draft.app,
      request: {
        clientId: draft.app.client_id,
        redirectUri: draft.redirectUri,
        redirectUriMatch: draft.redirectUriMatch,
        redirectUriSent: draft.redirectUriSent,
        scopes: draft.scopes,
        state,
        codeChallenge: draft.codeChallenge,
        returnTo,
        prompt: draft.prompt,
        forceConsent: draft.forceConsent ?? false,
      },
    };
  } catch (error) {
    if (!(error instanceof SignetError)) throw error;
    if (error.redirectable && draft.redirectUri)
      return { ok: false, error, redirect: { redirectUri: draft.redirectUri, state } };
    return { ok: false, error };
  }
}

import type { RedirectUriMatch } from '../../apps/redirects.js';
import type { AppRow } from '../../apps/repo.js';
import type { RouteContext } from '../../context.js';
import { InvalidRequest } from '../../errors/oauth.js';
import type { SignetError } from '../../errors/signet-error.js';
import type { AuthorizeRequest } from '../authorize-request.js';
import { singleParam } from '../form.js';

/** The raw parameters of an authorize request (query string, or the consent form's hidden fields). */
export type AuthorizeParams = Readonly<Record<string, unknown>>;

/** What the checks have established so far; each check fills in its part. */
export interface AuthorizeDraft {
  app?: AppRow;
  redirectUri?: string;
  redirectUriMatch?: RedirectUriMatch;
  redirectUriSent?: string;
  scopes?: string[];
  codeChallenge?: string;
  prompt?: AuthorizeRequest['prompt'];
  forceConsent?: boolean;
}

export interface CheckInput {
  context: RouteContext;
  params: AuthorizeParams;
  draft: AuthorizeDraft;
}

/** One step of PROTOCOL.md §5; throws a SignetError to stop the request. */
export type AuthorizeCheck = (input: CheckInput) => void | Promise<void>;

/** One authorize parameter (oauth/form.ts's singleParam); `onError` makes the error for one sent twice. */
export function readParam(
  params: AuthorizeParams,
  name: string,
  onError: (message: string) => SignetError,
): string | undefined {
  return singleParam(params, name, (repeated) => onError(`${repeated} must be sent once`));
}

export function redirectableParam(params: AuthorizeParams, name: string): string | undefined {
  return readParam(params, name, (message) => new InvalidRequest(message));
}

/** The app found by check-client; a check that runs before it is a programming error. */
export function appOf(draft: AuthorizeDraft): AppRow {
  if (!draft.app) throw new Error('check-client must run first');
  return draft.app;
}

import { hostsOf, redirectUrisOf } from '../../apps/service.js';
import { resolveRedirectUri } from '../../apps/redirects.js';
import { type AuthorizeCheck, appOf, readParam } from './check.js';
import { InvalidRedirectUri } from '../../errors/oauth.js';

/**
 * §5.1: the redirect URI is registered (or allowed by a host pattern, PROTOCOL §2). An
 * app without redirect URIs uses client credentials or token exchange, never this page.
 */
export const checkRedirectUri: AuthorizeCheck = ({ params, draft }) => {
  const app = appOf(draft);
  const sent = readParam(params, 'redirect_uri', (message) => new InvalidRedirectUri(message));
  const redirectUris = redirectUrisOf(app);
  if (redirectUris.length === 0)
    throw new InvalidRedirectUri('This app has no redirect URI registered, so it cannot ask for sign-in.');
  const resolved = resolveRedirectUri({ redirectUris, hosts: hostsOf(app) }, sent);
  if (resolved === null) {
    throw new InvalidRedirectUri(
      sent === undefined
        ? 'The request names no redirect_uri and the app has several registered.'
        : 'The redirect_uri is not registered for this app.',
    );
  }
  draft.redirectUri = resolved.uri;
  draft.redirectUriMatch = resolved.match;
  if (sent !== undefined) draft.redirectUriSent = sent;
};

/**
 * Hand-written one-line summaries for routes that declare no `schema.summary`, keyed by
 * "METHOD /fastify/path". Only presence, methods and declared schemas in /openapi.json
 * come from the routes themselves; these lines are prose and may lag behind a new route
 * (which then shows with its method and path only).
 */
export type Auth = 'client' | 'api' | 'session' | 'browser';

export interface RouteNote {
  summary: string;
  tags: string[];
  /** how a caller authenticates: client credentials, any API token, a user's own session token, or a browser cookie + CSRF */
  auth?: Auth;
}

export const routeNotes: Readonly<Record<string, RouteNote>> = {
  'GET /.well-known/oauth-authorization-server': {
    summary: 'Authorization server metadata (RFC 8414)',
    tags: ['oauth'],
  },
  'GET /oauth/authorize': {
    summary: 'Start an authorization (code + PKCE); shows sign-in and consent pages',
    tags: ['oauth'],
  },
  'POST /oauth/authorize/decision': {
    summary: 'The consent form: Authorize or Deny',
    tags: ['pages'],
    auth: 'browser',
  },
  'POST /oauth/authorize': {
    summary: 'Approve or deny a pending device request (Mixin QR flow)',
    tags: ['platform'],
    auth: 'session',
  },
  'POST /oauth/token': {
    summary: 'Token endpoint: RFC 6749 form body, or the platform JSON form',
    tags: ['oauth'],
    auth: 'client',
  },
  'POST /oauth/revoke': { summary: 'Revoke an access or refresh token (RFC 7009)', tags: ['oauth'], auth: 'client' },
  'POST /oauth/introspect': { summary: 'Introspect a token (RFC 7662)', tags: ['oauth'], auth: 'client' },
  'POST /oauth/cancel': {
    summary: 'Revoke an app: the grant and every authorization under it',
    tags: ['platform'],
    auth: 'session',
  },
  'GET /authorizations': {
    summary: "The caller's authorizations, one per code redemption",
    tags: ['platform'],
    auth: 'session',
  },
  'GET /codes/{codeId}': {
    summary: 'A pending device request: JSON for API callers, the consent page for browsers',
    tags: ['platform'],
    auth: 'session',
  },
  'POST /codes/{codeId}': { summary: 'The device consent form in the browser', tags: ['pages'], auth: 'browser' },
  'GET /codes/{codeId}/decided': { summary: 'Page shown after deciding a device request', tags: ['pages'] },
  'GET /oauth/device/{authorizationId}/status': {
    summary: 'Whether a pending device request was decided (polling)',
    tags: ['pages'],
  },
  'GET /oauth/device/{authorizationId}/events': {
    summary: 'Server-sent events: the decision of a pending device request',
    tags: ['pages'],
  },
  'GET /me': { summary: "The caller's profile (phone with PHONE:READ)", tags: ['resources'], auth: 'api' },
  'GET /users/{id}': { summary: 'A public profile', tags: ['resources'], auth: 'api' },
  'GET /assets': { summary: "The caller's balance in every asset (ASSETS:READ)", tags: ['resources'], auth: 'api' },
  'GET /assets/{id}': {
    summary: "One asset and the caller's balance, by asset id or symbol (ASSETS:READ)",
    tags: ['resources'],
    auth: 'api',
  },
  'GET /assets/{id}/snapshots': {
    summary: "The caller's history in one asset (ASSETS:READ or SNAPSHOTS:READ)",
    tags: ['resources'],
    auth: 'api',
  },
  'GET /snapshots': {
    summary: "The caller's history in every asset (ASSETS:READ or SNAPSHOTS:READ)",
    tags: ['resources'],
    auth: 'api',
  },
  'POST /transfers': {
    summary: 'Move an amount to another user, once per trace_id (a session token: FULL)',
    tags: ['resources'],
    auth: 'session',
  },
  'GET /signin': { summary: 'Sign-in page', tags: ['pages'] },
  'POST /signin': { summary: 'Sign in with username and password', tags: ['pages'], auth: 'browser' },
  'POST /signout': { summary: 'Sign out', tags: ['pages'], auth: 'browser' },
  'GET /static/{name}': { summary: 'Stylesheet and scripts of the pages', tags: ['pages'] },
  'GET /docs': { summary: 'Developer docs: the quick details of this deployment', tags: ['docs'] },
  'GET /docs/scopes': { summary: 'Developer docs: the scopes of this deployment', tags: ['docs'] },
  'GET /docs/walkthrough': { summary: 'Developer docs: both dialects with curl and SDK snippets', tags: ['docs'] },
  'GET /openapi.json': { summary: 'This document', tags: ['docs'] },
};

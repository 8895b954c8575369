import { type SafeHtml, html } from '../plugins/html.js';
import { lifetimes } from '../context.js';
import { CODE_LIFETIME_MS } from '../oauth/codes.js';
import { code, docsPage } from './docs-layout.js';

export interface QuickDetailsInput {
  issuer: string;
  grants: readonly string[];
  signedTokenMaxAgeSeconds: number;
}

function duration(ms: number): string {
  const units: [number, string][] = [
    [24 * 60 * 60 * 1000, 'day'],
    [60 * 60 * 1000, 'hour'],
    [60 * 1000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) if (ms % size === 0) return `${ms / size} ${name}${ms / size === 1 ? '' : 's'}`;
  return `${ms} ms`;
}

function endpointRows(issuer: string): [string, string, string][] {
  return [
    ['Metadata (RFC 8414)', 'GET', `${issuer}/.well-known/oauth-authorization-server`],
    ['Authorization', 'GET', `${issuer}/oauth/authorize`],
    ['Token (both dialects)', 'POST', `${issuer}/oauth/token`],
    ['Revocation (RFC 7009)', 'POST', `${issuer}/oauth/revoke`],
    ['Introspection (RFC 7662)', 'POST', `${issuer}/oauth/introspect`],
    ['Your profile', 'GET', `${issuer}/me`],
    ['A public profile', 'GET', `${issuer}/users/:id`],
    ['A user’s authorizations (session)', 'GET', `${issuer}/authorizations?app=CLIENT_ID`],
    ['Revoke an app (session)', 'POST', `${issuer}/oauth/cancel`],
    ['Device request (QR flow)', 'GET', `${issuer}/codes/:code_id`],
    ['Approve a device request', 'POST', `${issuer}/oauth/authorize`],
    ['OpenAPI document', 'GET', `${issuer}/openapi.json`],
  ];
}

/** GET /docs: what a developer needs to point a client at this deployment. */
export function quickDetailsPage(input: QuickDetailsInput): SafeHtml {
  const { issuer } = input;
  const lifetimeRows: [string, number][] = [
    ['Authorization code', CODE_LIFETIME_MS],
    ['Access token', lifetimes.accessTokenMs],
    ['Refresh token (rotates on every use)', lifetimes.refreshTokenMs],
    ['Authorization (per device)', lifetimes.authorizationMs],
    ['Device request (QR)', lifetimes.deviceRequestMs],
    ['Request-signed token after its iat', input.signedTokenMaxAgeSeconds * 1000],
  ];
  return docsPage(
    '/docs',
    'Developer docs',
    html`<h1>Quick details</h1>
<p>Issuer: <code>${issuer}</code>. Every URL below belongs to this deployment. Clients that read
<a href="/.well-known/oauth-authorization-server">the metadata document</a> find them on their own.</p>

<section aria-labelledby="endpoints"><h2 id="endpoints">Endpoints</h2>
<div class="table-scroll" tabindex="0"><table>
<thead><tr><th scope="col">What</th><th scope="col">Method</th><th scope="col">URL</th></tr></thead>
<tbody>${endpointRows(issuer).map(([what, method, url]) => html`<tr><td>${what}</td><td>${method}</td><td><code class="id">${url}</code></td></tr>`)}</tbody>
</table></div></section>

<section aria-labelledby="grants"><h2 id="grants">Grants and client authentication</h2>
<ul>
${input.grants.map((g) => html`<li><code>grant_type=${g}</code></li>`)}
<li>The platform form (Mixin's): a JSON body <code>{"client_id","code","client_secret" | "code_verifier","redirect_uri"?,"ed25519"?}</code> to the same token endpoint, with exactly one of the secret and the verifier.
A code sent to a redirect URI that only a host pattern allows needs that <code>redirect_uri</code> and, for a confidential app, the secret (not the verifier).</li>
</ul>
<p>Client authentication: <code>client_secret_basic</code>, <code>client_secret_post</code>, and <code>none</code> for public apps (which must use PKCE).
Only confidential apps may introspect, and only their own tokens.</p></section>

<section aria-labelledby="pkce"><h2 id="pkce">PKCE</h2>
<p><code>code_challenge_method=S256</code> (<code>SHA256</code> is accepted as Mixin's name for it; an absent method means S256). <code>plain</code> is refused.
The verifier may be hashed as ASCII (RFC 7636) or, as Mixin's SDKs do, as the bytes it base64url-decodes to.</p></section>

<section aria-labelledby="lifetimes"><h2 id="lifetimes">Lifetimes</h2>
<div class="table-scroll" tabindex="0"><table>
<thead><tr><th scope="col">What</th><th scope="col">Lives</th></tr></thead>
<tbody>${lifetimeRows.map(([what, ms]) => html`<tr><td>${what}</td><td>${duration(ms)}</td></tr>`)}</tbody>
</table></div>
<p>An access token never outlives its authorization; revoking an app ends everything under it on the next request.</p></section>

<section aria-labelledby="errors"><h2 id="errors">Errors: two conventions</h2>
<p><strong>Platform envelope</strong> (Mixin's): every API route and the JSON token form. A request that sends
<code>X-Request-Id</code> gets HTTP 202 with the envelope (Mixin's SDKs read exactly that); others get the real status
(400, 401, 403, 404, 409, 429) with the same body (whose <code>status</code> stays 202, as Mixin's does), and 401/403 carry <code>WWW-Authenticate</code>. Code 10002 names the field in <code>extra.field</code>.</p>
${code(
  `curl -i -H 'X-Request-Id: 6f1c…' ${issuer}/me
HTTP/1.1 202 Accepted
{"error":{"status":202,"code":401,"description":"Unauthorized, maybe invalid token.","extra":{"reason":"no access token"},"request_id":"6f1c…"}}

curl -i ${issuer}/me
HTTP/1.1 401 Unauthorized
WWW-Authenticate: Bearer realm="signet", error="invalid_token", error_description="no access token"
{"error":{"status":202,"code":401,"description":"Unauthorized, maybe invalid token.","extra":{"reason":"no access token"}}}`,
  'Platform error examples',
)}
<p><strong>RFC 6749 §5.2</strong>: the token endpoint with a form body, revocation and introspection.</p>
${code(
  `curl -i -d grant_type=authorization_code -d code=spent -u CLIENT_ID:SECRET ${issuer}/oauth/token
HTTP/1.1 400 Bad Request
{"error":"invalid_grant","error_description":"The authorization code is invalid."}`,
  'Standard error example',
)}
</section>`,
  );
}

import { ALWAYS_GRANTED_SCOPE } from '@signet/protocol';
import type { ScopeRegistry } from '../consent/scopes.js';
import { type SafeHtml, html } from '../plugins/html.js';
import { docsPage } from './docs-layout.js';

/** GET /docs/scopes: the live registry, operator-added scopes included. */
export function scopesPage(registry: ScopeRegistry): SafeHtml {
  return docsPage(
    '/docs/scopes',
    'Scopes',
    html`<h1>Scopes</h1>
<p>Ask for scopes space-separated in <code>scope</code> (on <code>/oauth/authorize</code>, <code>+</code> separates too).
The user may grant fewer than asked; every token response says which were granted.
<code>${ALWAYS_GRANTED_SCOPE}</code> is always granted and cannot be unticked.</p>
<div class="table-scroll" tabindex="0"><table>
<thead><tr><th scope="col">Scope</th><th scope="col">What the user sees at consent</th></tr></thead>
<tbody>${[...registry].map(([scope, description]) => html`<tr><td><code>${scope}</code></td><td>${description}</td></tr>`)}</tbody>
</table></div>
<p>A user's own session token (a downloaded keystore) carries <code>FULL</code>: it acts as the user for every route,
including those no app may call (<code>GET /authorizations</code>, <code>POST /oauth/cancel</code>).</p>`,
  );
}

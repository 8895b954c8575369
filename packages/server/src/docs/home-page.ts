import type { IncomingHttpHeaders } from 'node:http';
import { type SafeHtml, html } from '../plugins/html.js';
import { layout } from '../plugins/views.js';

const LINKS = [
  { href: '/signin', label: 'Sign in', about: 'to your account, to approve apps and devices' },
  { href: '/signup', label: 'Sign up', about: 'for a new account' },
  { href: '/dashboard', label: 'Dashboard', about: 'register and manage your apps (OAuth clients)' },
  { href: '/account', label: 'Account', about: 'your profile, keystores and the apps you have authorized' },
  { href: '/docs', label: 'Docs', about: 'endpoints, scopes and a walkthrough for developers' },
] as const;

/** GET / (PROTOCOL.md §19): what this deployment is and where a person goes from here. */
export function homePage(issuer: string): SafeHtml {
  return layout({
    title: 'Home',
    body: html`<div class="card">
<h1>Signet</h1>
<p>This is the sign-in and authorization server at <code>${issuer}</code>. Apps ask it for your
permission to act for you; you choose what each may do, and may revoke it at any time.</p>
<nav aria-label="Start here"><ul class="home-links">
${LINKS.map((link) => html`<li><a href="${link.href}">${link.label}</a>: ${link.about}</li>`)}
</ul></nav>
<p class="muted">Clients find every endpoint in <a href="/.well-known/oauth-authorization-server">the metadata document</a>.</p>
</div>`,
  });
}

/** An API client (Mixin's X-Request-Id, or an Accept that names JSON and not HTML) gets the 404 of its dialect, not a page. */
export function asksForJson(headers: IncomingHttpHeaders): boolean {
  if (headers['x-request-id'] !== undefined) return true;
  const accept = headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

import type { UserView } from '../accounts/service.js';
import { type SafeHtml, html } from '../plugins/html.js';

/** Who is signed in, the way back to the app list, and sign-out, atop every dashboard page. */
export function sessionBar(user: UserView, csrf: SafeHtml): SafeHtml {
  return html`<nav class="session-bar" aria-label="Dashboard">
<a href="/dashboard">Your apps</a>
<span class="muted">Signed in as ${user.full_name}</span>
<form method="post" action="/signout" class="inline-form">${csrf}<button type="submit" class="link">Sign out</button></form>
</nav>`;
}

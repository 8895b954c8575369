import type { UserView } from '../accounts/service.js';
import { type SafeHtml, html } from '../plugins/html.js';
import { layout } from '../plugins/views.js';
import { sessionBar } from './nav.js';
import type { OwnedApp } from './repo.js';

/** GET /dashboard: the developer's apps. */
export function appListPage(user: UserView, csrf: SafeHtml, apps: OwnedApp[]): SafeHtml {
  const table = html`<table class="app-table">
<caption class="muted">Users are the people who have authorized the app.</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Client ID</th><th scope="col">Type</th><th scope="col">Users</th></tr></thead>
<tbody>
${apps.map(
  (app) => html`<tr>
<td data-label="Name"><a href="/dashboard/apps/${app.client_id}">${app.name}</a></td>
<td data-label="Client ID"><code>${app.client_id}</code></td>
<td data-label="Type">${app.type === 'public' ? 'Public' : 'Confidential'}</td>
<td data-label="Users">${app.users}</td>
</tr>`,
)}
</tbody>
</table>`;
  const body = html`${sessionBar(user, csrf)}
<section class="card" aria-labelledby="apps-title">
<div class="page-head"><h1 id="apps-title">Your apps</h1><a class="button" href="/dashboard/apps/new">New app</a></div>
${apps.length === 0 ? html`<p>You have no apps yet. Create one to get a client ID.</p>` : table}
</section>`;
  return layout({ title: 'Your apps', body, wide: true });
}

import type { UserView } from '../accounts/service.js';
import type { AppView } from '../apps/service.js';
import { type SafeHtml, html } from '../plugins/html.js';
import { layout } from '../plugins/views.js';
import type { AppFormValues } from './app-form.js';
import { type FormError, appFormFields } from './app-form-fields.js';
import { sessionBar } from './nav.js';

export interface AppPageInput {
  user: UserView;
  csrf: SafeHtml;
  app: AppView;
  users: number;
  /** only on the one page view right after creation or rotation */
  secret?: string | null;
  /** the edit form's values: the stored ones, or what a refused edit posted */
  values: AppFormValues;
  error?: FormError | undefined;
  /** a line confirming the last change */
  saved?: boolean;
}

/** `short` names the copy button without repeating the field's label, so the label finds the field alone. */
function readOnlyField(id: string, label: string, short: string, value: string, hint?: SafeHtml): SafeHtml {
  return html`<div class="field">
<label for="${id}">${label}</label>
${hint ?? null}
<div class="copy-row">
<input type="text" id="${id}" value="${value}" readonly spellcheck="false">
<button type="button" class="copy" data-copy="${id}" data-copy-name="${label}" aria-label="Copy ${short}" hidden>Copy</button>
</div>
</div>`;
}

function credentials(input: AppPageInput): SafeHtml {
  const secretHint = html`<p class="notice" id="secret-note" role="status">Copy the secret now and keep it on your server. It is shown this once; afterwards you can only rotate it.</p>`;
  return html`<section class="card" aria-labelledby="credentials-title">
<h2 id="credentials-title">Credentials</h2>
${readOnlyField('client-id', 'Client ID', 'ID', input.app.client_id)}
${input.secret ? readOnlyField('client-secret', 'Client secret', 'secret', input.secret, secretHint) : null}
<p class="visually-hidden" id="copy-status" role="status" aria-live="polite"></p>
<dl class="facts">
<dt>Type</dt><dd>${input.app.type === 'public' ? 'Public (no secret, PKCE required)' : 'Confidential'}</dd>
<dt>Users</dt><dd>${input.users} ${input.users === 1 ? 'user has' : 'users have'} authorized this app</dd>
</dl>
</section>`;
}

function actions(app: AppView, csrf: SafeHtml): SafeHtml {
  return html`<section class="card" aria-labelledby="actions-title">
<h2 id="actions-title">Keys and removal</h2>
<p>The bot keystore lets the app act as its own bot user (user ID = client ID). It is made when you download it and never shown again.</p>
<div class="actions">
<form method="post" action="/dashboard/apps/${app.client_id}/keystore" class="inline-form">${csrf}<button type="submit">Download bot keystore</button></form>
${
  app.type === 'confidential'
    ? html`<form method="get" action="/dashboard/apps/${app.client_id}/rotate" class="inline-form"><button type="submit">Rotate secret</button></form>`
    : null
}
<form method="get" action="/dashboard/apps/${app.client_id}/delete" class="inline-form"><button type="submit" class="danger">Delete app</button></form>
</div>
</section>`;
}

/** GET /dashboard/apps/:client_id: credentials, the edit form, and the app's actions. */
export function appPage(input: AppPageInput): SafeHtml {
  const { app } = input;
  const body = html`${sessionBar(input.user, input.csrf)}
<div class="app-identity">
${app.icon_url ? html`<img src="${app.icon_url}" alt="">` : null}
<h1>${app.name}</h1>
</div>
${input.saved ? html`<p class="notice" role="status">Changes saved.</p>` : null}
${credentials(input)}
<section class="card" aria-labelledby="edit-title">
<h2 id="edit-title">Settings</h2>
${input.error ? html`<p class="error" role="alert">Not saved: ${input.error.message}</p>` : null}
<form method="post" action="/dashboard/apps/${app.client_id}" enctype="multipart/form-data">
${input.csrf}
${appFormFields(input.values, input.error, 'edit')}
<div class="actions"><button type="submit" class="primary">Save changes</button></div>
</form>
</section>
${actions(app, input.csrf)}`;
  return layout({ title: app.name, body, wide: true, scripts: ['copy.js'] });
}

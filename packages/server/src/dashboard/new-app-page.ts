import type { UserView } from '../accounts/service.js';
import { type SafeHtml, html } from '../plugins/html.js';
import { layout } from '../plugins/views.js';
import type { AppFormValues } from './app-form.js';
import { type FormError, appFormFields } from './app-form-fields.js';
import { sessionBar } from './nav.js';

/** GET /dashboard/apps/new, and the same form again when a POST was refused. */
export function newAppPage(user: UserView, csrf: SafeHtml, values: AppFormValues, error?: FormError): SafeHtml {
  const body = html`${sessionBar(user, csrf)}
<section class="card" aria-labelledby="new-app-title">
<h1 id="new-app-title">New app</h1>
${error ? html`<p class="error" role="alert">The app was not created: ${error.message}</p>` : null}
<form method="post" action="/dashboard/apps/new" enctype="multipart/form-data">
${csrf}
${appFormFields(values, error, 'create')}
<div class="actions"><button type="submit" class="primary">Create app</button><a href="/dashboard">Cancel</a></div>
</form>
</section>`;
  return layout({ title: 'New app', body });
}

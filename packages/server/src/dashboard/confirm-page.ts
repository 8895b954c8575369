import type { UserView } from '../accounts/service.js';
import type { AppRow } from '../apps/repo.js';
import { type SafeHtml, html } from '../plugins/html.js';
import { layout } from '../plugins/views.js';
import { sessionBar } from './nav.js';

export type ConfirmAction = 'rotate' | 'delete';

const texts: Record<ConfirmAction, { title: (name: string) => string; explain: string }> = {
  rotate: {
    title: (name) => `Rotate the client secret of ${name}?`,
    explain:
      'A new secret is made and shown once. The current secret stops working at once: update your app before it next asks for a token.',
  },
  delete: {
    title: (name) => `Delete ${name}?`,
    explain:
      'The app, its bot user, its keystores and every authorization users gave it are removed. Its tokens stop working. This cannot be undone.',
  },
};

/** The step between Rotate secret / Delete app and the change itself. */
export function confirmPage(
  user: UserView,
  csrf: SafeHtml,
  app: Pick<AppRow, 'client_id' | 'name'>,
  action: ConfirmAction,
): SafeHtml {
  const text = texts[action];
  const body = html`${sessionBar(user, csrf)}
<section class="card" aria-labelledby="confirm-title">
<h1 id="confirm-title">${text.title(app.name)}</h1>
<p>${text.explain}</p>
<form method="post" action="/dashboard/apps/${app.client_id}/${action}">
${csrf}
<div class="actions">
<button type="submit" class="${action === 'delete' ? 'danger' : 'primary'}">Confirm</button>
<a href="/dashboard/apps/${app.client_id}">Cancel</a>
</div>
</form>
</section>`;
  return layout({ title: text.title(app.name), body });
}

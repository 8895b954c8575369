import type { SafeHtml } from '../plugins/html.js';
import { html } from '../plugins/html.js';
import { layout } from '../plugins/views.js';
import type { AuthorizedApp } from './authorized-apps.js';
import type { KeystoreSummary } from './keystores.js';
import { MAX_BIOGRAPHY, type ProfileField, type ProfileInput } from './profile.js';
import type { UserView } from './service.js';

/** Messages a redirect back to /account may show; only these keys, so no text is reflected from the URL. */
export const NOTICES = {
  'profile-saved': 'Profile saved.',
  'keystore-revoked': 'Session revoked: its keystore no longer works.',
  'keystore-gone': 'That session was already revoked.',
  'app-revoked': 'Access revoked: the app can no longer act for you.',
} as const;
export type NoticeKey = keyof typeof NOTICES;

export interface AccountPageInput {
  user: UserView;
  /** the hidden CSRF input (csrfField) */
  csrf: SafeHtml;
  /** the form as typed, when it was refused */
  profile?: ProfileInput;
  profileError?: { field: ProfileField; message: string };
  notice?: NoticeKey | undefined;
  keystores: KeystoreSummary[];
  apps: AuthorizedApp[];
  /** formats a timestamp for people (the server's locale is not the reader's, so ISO-like) */
  when(iso: string): string;
}

interface FieldSpec {
  name: ProfileField;
  label: string;
  hint?: string;
  type: 'text' | 'url' | 'tel' | 'textarea';
  autocomplete: string;
}

const PROFILE_FIELDS: FieldSpec[] = [
  { name: 'full_name', label: 'Full name', type: 'text', autocomplete: 'name' },
  {
    name: 'avatar_url',
    label: 'Avatar URL',
    hint: 'An https link to a square image. Leave empty for none.',
    type: 'url',
    autocomplete: 'photo',
  },
  {
    name: 'biography',
    label: 'Biography',
    hint: `At most ${MAX_BIOGRAPHY} characters.`,
    type: 'textarea',
    autocomplete: 'off',
  },
  {
    name: 'phone',
    label: 'Phone (optional)',
    hint: 'International format, e.g. +14155550123. Apps see it only with PHONE:READ.',
    type: 'tel',
    autocomplete: 'tel',
  },
];

function profileField(spec: FieldSpec, value: string, error: string | undefined): SafeHtml {
  const id = `profile-${spec.name}`;
  const described = [spec.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = html`id="${id}" name="${spec.name}" autocomplete="${spec.autocomplete}"${described ? html` aria-describedby="${described}"` : null}${error ? html` aria-invalid="true"` : null}`;
  const control =
    spec.type === 'textarea'
      ? html`<textarea ${common} rows="3" maxlength="${MAX_BIOGRAPHY}">${value}</textarea>`
      : html`<input type="${spec.type}" ${common} value="${value}"${spec.name === 'full_name' ? html` required` : null}>`;
  return html`<div class="field${error ? ' invalid' : ''}">
<label for="${id}">${spec.label}</label>
${spec.hint ? html`<p class="hint muted" id="${id}-hint">${spec.hint}</p>` : null}
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : null}
${control}
</div>`;
}

function profileSection(input: AccountPageInput): SafeHtml {
  const values: ProfileInput = input.profile ?? {
    full_name: input.user.full_name,
    avatar_url: input.user.avatar_url,
    biography: input.user.biography,
    phone: input.user.phone,
  };
  const error = input.profileError;
  return html`<section class="card" aria-labelledby="profile-title">
<h2 id="profile-title">Profile</h2>
${error ? html`<p class="error" role="alert">The profile was not saved: check ${PROFILE_FIELDS.find((f) => f.name === error.field)?.label ?? error.field}.</p>` : null}
<form method="post" action="/account/profile" novalidate>
${input.csrf}
${PROFILE_FIELDS.map((spec) => profileField(spec, values[spec.name], error?.field === spec.name ? error.message : undefined))}
<div class="actions"><button type="submit" class="primary">Save profile</button></div>
</form>
</section>`;
}

function keystoresSection(input: AccountPageInput): SafeHtml {
  return html`<section class="card" aria-labelledby="keystores-title">
<h2 id="keystores-title">Session keystores</h2>
<p class="muted">A keystore lets a program act as you, with every right you have (the Mixin SDKs sign requests with it).
Its private key is in the downloaded file only: Signet keeps just the public half, so download it once and keep it safe.</p>
${
  input.keystores.length === 0
    ? html`<p>No sessions yet.</p>`
    : html`<ul class="rows">
${input.keystores.map(
  (k) => html`<li>
<div><code class="id" id="session-${k.session_id}">${k.session_id}</code><span class="muted">Created ${input.when(k.created_at)}</span></div>
<form method="post" action="/account/keystores/revoke" class="inline-form">
${input.csrf}<input type="hidden" name="session_id" value="${k.session_id}">
<button type="submit" aria-describedby="session-${k.session_id}">Revoke</button>
</form>
</li>`,
)}
</ul>`
}
<form method="post" action="/account/keystores">
${input.csrf}
<div class="actions"><button type="submit">Create keystore</button></div>
</form>
<p class="hint muted">The new session shows here the next time the page loads.</p>
</section>`;
}

function appItem(app: AuthorizedApp, input: AccountPageInput): SafeHtml {
  const nameId = `app-${app.client_id}`;
  return html`<li class="authorized-app">
<div class="app-identity">
${app.icon_url ? html`<img src="${app.icon_url}" alt="">` : html`<span class="app-icon-placeholder" aria-hidden="true">${[...app.name][0] ?? '?'}</span>`}
<div>
<h3 id="${nameId}">${app.name}</h3>
${app.website ? html`<a href="${app.website}" rel="noopener noreferrer" target="_blank">${app.website}</a>` : null}
</div>
</div>
<p class="muted">Can: ${app.scopes.map((s, i) => html`${i > 0 ? ', ' : ''}<span class="scope-name">${s}</span>`)}</p>
<p class="muted">${app.last_used_at ? `Last used ${input.when(app.last_used_at)}` : 'Not used yet'} · authorized ${input.when(app.granted_at)}</p>
<form method="post" action="/account/apps/revoke">
${input.csrf}<input type="hidden" name="client_id" value="${app.client_id}">
<button type="submit" class="danger" aria-describedby="${nameId}">Revoke</button>
</form>
</li>`;
}

function appsSection(input: AccountPageInput): SafeHtml {
  return html`<section class="card" aria-labelledby="apps-title">
<h2 id="apps-title">Authorized apps</h2>
${
  input.apps.length === 0
    ? html`<p>You have not authorized any app.</p>`
    : html`<p class="muted">Revoking ends the app's access at once, on every device; it has to ask you again.</p>
<ul class="rows">${input.apps.map((app) => appItem(app, input))}</ul>`
}
</section>`;
}

/** PROTOCOL.md §14: /account, the user's profile, session keystores and authorized apps. */
export function accountPage(input: AccountPageInput): SafeHtml {
  const body = html`<div class="page-head">
<h1>Your account</h1>
<form method="post" action="/signout">${input.csrf}<button type="submit">Sign out</button></form>
</div>
<p class="muted">Signed in as <strong>${input.user.full_name}</strong>${input.user.username ? ` (${input.user.username})` : ''} · Signet ID ${input.user.identity_number}</p>
${input.notice ? html`<p class="notice" role="status">${NOTICES[input.notice]}</p>` : null}
${appsSection(input)}
${profileSection(input)}
${keystoresSection(input)}`;
  return layout({ title: 'Your account', body, wide: true });
}

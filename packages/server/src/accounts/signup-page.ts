import { signInUrl } from './local-path.js';
import { inputField } from '../plugins/form-fields.js';
import { type SafeHtml, html } from '../plugins/html.js';
import { layout } from '../plugins/views.js';

export interface SignUpPageInput {
  csrf: SafeHtml;
  next: string;
  /** what the user typed, kept on a refused form (never the password) */
  values: { username: string; full_name: string; phone: string };
  /** the field at fault and what is wrong with it */
  error?: { field: string; message: string } | undefined;
}

/** PROTOCOL.md §14: Username, Password, Full name, Phone (optional), Create account. */
export function signUpPage(input: SignUpPageInput): SafeHtml {
  const errorFor = (field: string) => (input.error?.field === field ? input.error.message : undefined);
  const known = ['username', 'password', 'full_name', 'phone'];
  const general = input.error && !known.includes(input.error.field) ? input.error.message : undefined;
  const body = html`<section class="card" aria-labelledby="signup-title">
<h1 id="signup-title">Create your account</h1>
${general ? html`<p class="error" role="alert">${general}</p>` : null}
${input.error && !general ? html`<p class="error" role="alert">Check the field marked below.</p>` : null}
<form method="post" action="/signup">
${input.csrf}
<input type="hidden" name="next" value="${input.next}">
${inputField({
  id: 'signup-username',
  name: 'username',
  label: 'Username',
  value: input.values.username,
  error: errorFor('username'),
  hint: '3 to 32 characters: letters, digits, _ . -',
  required: true,
  autocomplete: 'username',
  attributes: html`autocapitalize="none" spellcheck="false"`,
  autofocus: !input.error,
})}
${inputField({
  id: 'signup-password',
  name: 'password',
  label: 'Password',
  type: 'password',
  error: errorFor('password'),
  hint: 'At least 8 characters.',
  required: true,
  autocomplete: 'new-password',
})}
${inputField({ id: 'signup-full-name', name: 'full_name', label: 'Full name', value: input.values.full_name, error: errorFor('full_name'), required: true, autocomplete: 'name' })}
${inputField({
  id: 'signup-phone',
  name: 'phone',
  label: 'Phone',
  type: 'tel',
  value: input.values.phone,
  error: errorFor('phone'),
  hint: 'Optional. International format, e.g. +14155550123.',
  autocomplete: 'tel',
})}
<div class="actions"><button type="submit" class="primary">Create account</button></div>
</form>
<p class="muted">Already have an account? <a href="${signInUrl(input.next)}">Sign in</a></p>
</section>`;
  return layout({ title: 'Create account', body });
}

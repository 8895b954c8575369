import { type SafeHtml, html } from '../plugins/html.js';
import { layout } from '../plugins/views.js';

export interface SignInPageInput {
  /** the hidden CSRF input (csrfField) */
  csrf: SafeHtml;
  /** local path to return to after signing in */
  next: string;
  username?: string | undefined;
  error?: string | undefined;
  /** shown beside the password form: the "approve with your device" QR section */
  aside?: SafeHtml | undefined;
  /** a line above the form, e.g. which app asks */
  intro?: string | undefined;
}

export function signInPage(input: SignInPageInput): SafeHtml {
  const hasAside = input.aside !== undefined && input.aside.value.trim() !== '';
  const form = html`<section class="card" aria-labelledby="signin-title">
<h1 id="signin-title">Sign in</h1>
${input.intro ? html`<p class="muted">${input.intro}</p>` : null}
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : null}
<form method="post" action="/signin">
${input.csrf}
<input type="hidden" name="next" value="${input.next}">
<div class="field">
<label for="signin-username">Username</label>
<input type="text" id="signin-username" name="username" value="${input.username ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
</div>
<div class="field">
<label for="signin-password">Password</label>
<input type="password" id="signin-password" name="password" autocomplete="current-password" required>
</div>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>
<p class="muted">No account yet? <a href="/signup?next=${encodeURIComponent(input.next)}">Create one</a></p>
</section>`;
  const body = hasAside ? html`<div class="split two">${form}${input.aside}</div>` : form;
  return layout({ title: 'Sign in', body, wide: hasAside });
}

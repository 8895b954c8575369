import { ALWAYS_GRANTED_SCOPE } from '@signet/protocol';
import type { RedirectUriMatch } from '../apps/redirects.js';
import type { AppRow } from '../apps/repo.js';
import { type SafeHtml, html } from '../plugins/html.js';
import { layout } from '../plugins/views.js';
import type { ScopeRegistry } from './scopes.js';

/** Form field names the consent form posts (besides its hidden fields). */
export const GRANTED_FIELD = 'granted';
export const DECISION_FIELD = 'decision';
export type ConsentDecision = 'authorize' | 'deny';

export interface ConsentPageInput {
  app: Pick<AppRow, 'name' | 'icon_url' | 'website' | 'description'>;
  /** requested scopes, PROFILE:READ first */
  scopes: readonly string[];
  registry: ScopeRegistry;
  /** who is approving */
  user: { full_name: string; username: string | null };
  /** where the app's answer will go, shown so the user can see who receives it */
  redirectUri: string;
  /** `host_pattern`: the app did not register redirectUri itself, so the page says plainly where it leads */
  redirectUriMatch: RedirectUriMatch;
  /**
   * approving from a second device (PROTOCOL.md §6): the answer goes to the browser that
   * showed the QR code, not to this one, and the page says so
   */
  forWaitingBrowser?: boolean;
  /** with forWaitingBrowser: where, when and by what the request was opened, and its match code (requesterNotice) */
  requester?: SafeHtml;
  /** the form's target: /oauth/authorize/decision, or the device flow's own */
  action: string;
  /** carried through the form unchanged; the target re-checks them */
  hidden: Readonly<Record<string, string>>;
  /** the hidden CSRF input (csrfField) */
  csrf: SafeHtml;
}

function destination(redirectUri: string): string {
  try {
    const url = new URL(redirectUri);
    return url.host || `${url.protocol}${url.pathname}`;
  } catch {
    return redirectUri;
  }
}

function scopeItem(scope: string, registry: ScopeRegistry, index: number): SafeHtml {
  const id = `scope-${index}`;
  const description = registry.get(scope) ?? '';
  const locked = scope === ALWAYS_GRANTED_SCOPE;
  // A disabled checkbox is never submitted: the hidden input sends the locked scope.
  return html`<li>
<label for="${id}">
<input type="checkbox" id="${id}" ${locked ? html`checked disabled` : html`name="${GRANTED_FIELD}" value="${scope}" checked`}>
<span><span class="scope-name">${scope}</span><span class="muted">${description}${locked ? ' (always granted)' : ''}</span></span>
</label>
${locked ? html`<input type="hidden" name="${GRANTED_FIELD}" value="${scope}">` : null}
</li>`;
}

/**
 * Who is signing in, and where the browser goes after the decision. For a URI that only a
 * host pattern allows, a line of its own names the host: it may be one the app does not
 * control, and the user is the last one who can notice (issue 17, H1).
 */
function whoAndWhere(input: ConsentPageInput): SafeHtml {
  const { user, app } = input;
  const host = destination(input.redirectUri);
  const signedInAs = html`Signed in as <strong>${user.full_name}</strong>${user.username ? ` (${user.username})` : ''}.`;
  if (input.redirectUriMatch === 'host_pattern') {
    const who = input.forWaitingBrowser ? 'the browser that showed the QR code' : 'you';
    return html`<p class="muted">${signedInAs}</p>
<p class="notice" id="destination">After you choose, ${who} will be sent to <strong>${host}</strong>. ${app.name} did not register this exact address: go on only if you expected to be sent there.</p>`;
  }
  return html`<p class="muted">${signedInAs}
${
  input.forWaitingBrowser
    ? html`The browser that showed the QR code will then go on to <strong>${host}</strong>.`
    : html`You will be sent back to <strong>${host}</strong>.`
}</p>`;
}

/** PROTOCOL.md §5.5: the consent page, also used by the device approval page. */
export function consentPage(input: ConsentPageInput): SafeHtml {
  const { app } = input;
  const body = html`<section class="card" aria-labelledby="consent-title">
<div class="app-identity">
${app.icon_url ? html`<img src="${app.icon_url}" alt="">` : null}
<h1 id="consent-title">${app.name} wants to access your account</h1>
</div>
${app.description ? html`<p>${app.description}</p>` : null}
${app.website ? html`<p><a href="${app.website}" rel="noopener noreferrer" target="_blank">${app.website}</a></p>` : null}
${whoAndWhere(input)}
${input.requester ?? null}
<form method="post" action="${input.action}">
${input.csrf}
${Object.entries(input.hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<fieldset class="scope-set">
<legend>Allow ${app.name} to:</legend>
<ul class="scopes">
${input.scopes.map((scope, index) => scopeItem(scope, input.registry, index))}
</ul>
</fieldset>
<div class="actions">
<button type="submit" class="primary" name="${DECISION_FIELD}" value="authorize">Authorize</button>
<button type="submit" name="${DECISION_FIELD}" value="deny">Deny</button>
</div>
</form>
</section>`;
  return layout({ title: `Authorize ${app.name}`, body });
}

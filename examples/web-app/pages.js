// @ts-check
/** The pages, as strings, built with the `html` template below: it escapes every value from outside. */

/** @param {unknown} value */
function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A tagged template that escapes every interpolated value unless it is already markup
 * (a `Html` from another `html` call), so forgetting to escape is not possible.
 */
class Html {
  /** @param {string} value */
  constructor(value) {
    this.value = value;
  }
  toString() {
    return this.value;
  }
}

/** @param {TemplateStringsArray} strings @param {unknown[]} values */
function html(strings, ...values) {
  /** @type {(v: unknown) => string} */
  const piece = (v) => (v instanceof Html ? v.value : Array.isArray(v) ? v.map(piece).join('') : escapeHtml(v ?? ''));
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? piece(values[i]) : ''), ''));
}

/** @param {string} title @param {Html} body */
function layout(title, body) {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="/style.css"></head>
<body><main>${body}</main></body>
</html>`.value;
}

/** @param {string} [notice] */
export function homePage(notice) {
  return layout(
    'Example web app',
    html`<h1>Example web app</h1>
${notice ? html`<p role="status">${notice}</p>` : ''}
<p>This site knows nothing about you until you sign in.</p>
<p><a class="button" href="/login">Sign in with Signet</a></p>`,
  );
}

/** @param {string} message */
export function errorPage(message) {
  return layout(
    'Sign-in problem',
    html`<h1>Something went wrong</h1><p role="alert">${message}</p><p><a href="/">Back to the start</a></p>`,
  );
}

/**
 * @param {import('@signet/sdk').User} me
 * @param {import('@signet/sdk').Asset[]} assets
 * @param {string} csrf
 */
export function profilePage(me, assets, csrf) {
  // Only https images: the policy would block anything else anyway.
  const avatar = me.avatar_url.startsWith('https://')
    ? html`<img class="avatar" src="${me.avatar_url}" alt="" width="64" height="64">`
    : '';
  const rows = assets.map(
    (a) => html`<tr><td>${a.symbol}</td><td>${a.name}</td><td class="amount">${a.balance}</td></tr>`,
  );
  return layout(
    `${me.full_name} · Example web app`,
    html`<h1>Hello, ${me.full_name}</h1>
${avatar}
<dl>
  <dt>Identity number</dt><dd>${me.identity_number}</dd>
  <dt>User ID</dt><dd><code>${me.user_id}</code></dd>
  <dt>Member since</dt><dd>${me.created_at}</dd>
</dl>
<h2>Balances</h2>
${assets.length === 0 ? html`<p>No assets yet.</p>` : html`<table><thead><tr><th>Symbol</th><th>Name</th><th>Balance</th></tr></thead><tbody>${rows}</tbody></table>`}
<form method="post" action="/signout"><input type="hidden" name="csrf" value="${csrf}"><button type="submit">Sign out</button></form>`,
  );
}

export const STYLESHEET = `body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
main { max-width: 40rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border-radius: 8px; }
.button, button { display: inline-block; padding: .6rem 1rem; border-radius: 6px; border: 0; background: #2457d6; color: #fff; text-decoration: none; font: inherit; cursor: pointer; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem; border-bottom: 1px solid #e3e6ec; }
.amount { text-align: right; font-variant-numeric: tabular-nums; }
.avatar { border-radius: 50%; }
dt { font-weight: 600; }
form { margin-top: 1.5rem; }
`;

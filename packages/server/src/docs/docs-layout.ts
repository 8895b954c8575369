import { type SafeHtml, html } from '../plugins/html.js';
import { layout } from '../plugins/views.js';

const PAGES = [
  { href: '/docs', label: 'Quick details' },
  { href: '/docs/scopes', label: 'Scopes' },
  { href: '/docs/walkthrough', label: 'Walkthrough' },
  { href: '/openapi.json', label: 'OpenAPI' },
] as const;

/** A docs page: the section's navigation, then its content. */
export function docsPage(current: string, title: string, content: SafeHtml): SafeHtml {
  const nav = html`<nav class="docs-nav" aria-label="Developer docs">
<ul>${PAGES.map((p) => html`<li><a href="${p.href}"${p.href === current ? html` aria-current="page"` : null}>${p.label}</a></li>`)}</ul>
</nav>`;
  return layout({ title, body: html`${nav}<article class="docs">${content}</article>`, wide: true });
}

/** A code sample; the template escapes it, so samples may hold any characters. */
export function code(sample: string, label?: string): SafeHtml {
  return html`<pre${label ? html` aria-label="${label}"` : null} tabindex="0"><code>${sample.trim()}</code></pre>`;
}

import { describe, expect, it } from 'vitest';
import { html, trustedHtml } from './html.js';

describe('html', () => {
  it('escapes interpolated values', () => {
    expect(html`<p title="${'"><script>'}">${"<b>&'`"}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;&amp;&#39;&#96;</p>',
    );
  });
  it('nests templates and arrays without double escaping, and drops empty values', () => {
    const items = ['a<', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
    expect(html`${trustedHtml('<svg/>')}`.value).toBe('<svg/>');
  });
});

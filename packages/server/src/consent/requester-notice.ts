import { type SafeHtml, html } from '../plugins/html.js';
import { type RequesterView, describeAge } from './requester.js';

/*
 * The part of the device approval page that says whose request this is (PROTOCOL.md §6):
 * the device and address that opened it, its age and the match code, and a plain warning
 * when it is older than a minute or came from another network than the approver's.
 */

function warningText(view: RequesterView, approverIp: string, warning: RequesterView['warnings'][number]): SafeHtml {
  if (warning === 'old') {
    return html`This request is more than a minute old (opened ${describeAge(view.ageMs)} ago). If you did not start it yourself just now, press Deny.`;
  }
  const where =
    view.ip === null
      ? html`We cannot tell which network this request came from.`
      : html`This request came from another network (${view.ip}) than the one this device is on (${approverIp}).`;
  return html`${where} That is expected if one of the two uses mobile data or a VPN. If you are not next to the screen that showed the QR code, someone may be trying to sign in as you: press Deny.`;
}

export function requesterNotice(view: RequesterView, approverIp: string): SafeHtml {
  const address = view.ip ?? 'an unknown address';
  return html`<section class="requester" aria-labelledby="requester-title">
<h2 id="requester-title">Is this your sign-in?</h2>
<p>Requested from <strong>${view.device}</strong> at <strong>${address}</strong>, ${describeAge(view.ageMs)} ago.</p>
${view.matchCode ? html`<p class="match-code">Code: <strong class="code">${view.matchCode}</strong></p>` : null}
<p>Make sure ${view.matchCode ? 'this code matches the one on the screen where you started, and that ' : ''}you started this sign-in yourself. If not, press Deny.</p>
${
  view.warnings.length > 0
    ? html`<div class="warning" role="alert">
${view.warnings.map((warning) => html`<p data-warning="${warning}">${warningText(view, approverIp, warning)}</p>`)}
</div>`
    : null
}
</section>`;
}

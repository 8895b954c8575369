import QRCode from 'qrcode';
import type { RouteContext } from '../context.js';
import type { AuthorizeRequest } from '../oauth/authorize/request.js';
import { type SafeHtml, html, trustedHtml } from '../plugins/html.js';
import { openDeviceRequest } from './device.js';

/** The link a device opens to approve a pending request: the QR code's content. */
export function deviceApprovalUrl(issuer: string, codeId: string): string {
  return `${issuer}/codes/${codeId}`;
}

/**
 * The "approve with your device" part of the sign-in page for an authorize request
 * (PROTOCOL.md §6): opens a pending request bound to this browser and shows its QR code,
 * the same URL as a link, and a status line that /static/device-wait.js keeps current.
 */
export async function deviceApprovalSection(context: RouteContext, request: AuthorizeRequest, browserId: string): Promise<SafeHtml> {
  const pending = await openDeviceRequest(context, request, browserId);
  const url = deviceApprovalUrl(context.config.issuer, pending.codeId);
  // qrcode's SVG is generated from our own URL: markup we trust, not user input
  const svg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  const base = `/oauth/device/${pending.authorizationId}`;
  return html`<section class="device-approval" aria-labelledby="device-title">
  <h2 id="device-title">Approve with your device</h2>
  <p>Scan this code with a device where you are signed in, or open the link there.</p>
  <div class="qr" role="img" aria-label="QR code of the approval link">${trustedHtml(svg)}</div>
  <p class="device-link"><a href="${url}">${url}</a></p>
  <p id="device-status" role="status" aria-live="polite" data-events="${base}/events" data-status="${base}/status">Waiting for approval…</p>
  <script src="/static/device-wait.js" defer></script>
</section>`;
}

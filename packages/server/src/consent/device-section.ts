import QRCode from 'qrcode';
import type { RouteContext } from '../context.js';
import type { AuthorizeRequest } from '../oauth/authorize-request.js';
import { type SafeHtml, html, trustedHtml } from '../plugins/html.js';
import { addressSubject } from '../storage/kv/address-subject.js';
import { withinWindowAllowance } from '../storage/kv/window-limit.js';
import { type DeviceRequester, openDeviceRequest } from './device.js';

/**
 * Every signed-out view of the sign-in page opens a pending device request (a row), and
 * anyone can load that page: per address, only so many are opened (RATE_LIMITS). Past the
 * allowance the page still offers the password form, without the QR code.
 */
export const DEVICE_REQUEST_WINDOW_MS = 10 * 60 * 1000;
export const MAX_DEVICE_REQUESTS_PER_ADDRESS = 60;
const DEVICE_REQUEST_LIMIT = {
  name: 'device-requests',
  windowMs: DEVICE_REQUEST_WINDOW_MS,
  max: MAX_DEVICE_REQUESTS_PER_ADDRESS,
};

/** The link a device opens to approve a pending request: the QR code's content. */
export function deviceApprovalUrl(issuer: string, codeId: string): string {
  return `${issuer}/codes/${codeId}`;
}

/**
 * The "approve with your device" part of the sign-in page for an authorize request
 * (PROTOCOL.md §6): opens a pending request bound to this browser and shows its QR code,
 * the same URL as a link, the match code the approving device shows too, and a status line
 * that /static/device-wait.js keeps current.
 */
export async function deviceApprovalSection(
  context: RouteContext,
  request: AuthorizeRequest,
  requester: DeviceRequester,
): Promise<SafeHtml> {
  if (
    context.config.rateLimits &&
    !(await withinWindowAllowance(context, DEVICE_REQUEST_LIMIT, `ip:${addressSubject(requester.ip)}`))
  ) {
    return html`<section class="device-approval" aria-labelledby="device-title">
  <h2 id="device-title">Approve with your device</h2>
  <p id="device-unavailable">Too many approval requests came from your network recently. Sign in with your password, or try again in a few minutes.</p>
</section>`;
  }
  const pending = await openDeviceRequest(context, request, requester);
  const url = deviceApprovalUrl(context.config.issuer, pending.codeId);
  // qrcode's SVG is generated from our own URL: markup we trust, not user input
  const svg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  const base = `/oauth/device/${pending.authorizationId}`;
  return html`<section class="device-approval" aria-labelledby="device-title">
  <h2 id="device-title">Approve with your device</h2>
  <p>Scan this code with a device where you are signed in, or open the link there.</p>
  <div class="qr" role="img" aria-label="QR code of the approval link">${trustedHtml(svg)}</div>
  <p class="device-link"><a href="${url}">${url}</a></p>
  <p class="match-code">Your code: <strong class="code">${pending.requester.matchCode}</strong>. Check that your device shows the same code before you approve there.</p>
  <p id="device-status" role="status" aria-live="polite" data-events="${base}/events" data-status="${base}/status">Waiting for approval…</p>
  <script src="/static/device-wait.js" defer></script>
</section>`;
}

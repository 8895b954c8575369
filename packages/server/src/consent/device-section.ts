import type { SafeHtml } from '../plugins/html.js';
import { html } from '../plugins/html.js';
import type { RouteContext } from '../context.js';
import type { AuthorizeRequest } from '../oauth/authorize/request.js';

/**
 * The "approve with your device" part of the sign-in page for an authorize request
 * (PROTOCOL.md §6): opens a pending device request bound to this browser and renders
 * its QR code and link. Filled in by the device-approval work; empty until then.
 */
export async function deviceApprovalSection(_context: RouteContext, _request: AuthorizeRequest, _browserId: string): Promise<SafeHtml> {
  return html``;
}

import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { errorPage, sendPage } from '../plugins/views.js';
import { findLogo } from './logos.js';

// An image answer needs no script, style or frames; sandbox stops it acting as a document.
const LOGO_CSP = "default-src 'none'; sandbox";

/** GET /apps/:client_id/logo: an uploaded logo, as the type its bytes were checked to be. */
export async function appLogoRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.get<{ Params: { client_id: string } }>('/apps/:client_id/logo', async (request, reply) => {
    const logo = /^[0-9a-f-]{36}$/.test(request.params.client_id)
      ? await findLogo(context.db, request.params.client_id)
      : undefined;
    if (!logo) return sendPage(reply, errorPage('Not found', 'This app has no logo.'), 404);
    return reply
      .headers({
        'Content-Security-Policy': LOGO_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'Cache-Control': 'public, max-age=300',
      })
      .type(logo.content_type)
      .send(Buffer.from(logo.bytes));
  });
}

import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { grantHandlers } from '../oauth/token/routes.js';
import { NotFound } from '../errors/platform.js';
import { sendPage } from '../plugins/views.js';
import { asksForJson, homePage } from './home-page.js';
import { openApiDocument } from './openapi.js';
import { quickDetailsPage } from './quick-page.js';
import { scopesPage } from './scopes-page.js';
import { walkthroughPage } from './walkthrough-page.js';

/** Developer docs (PROTOCOL.md §14): pages about this deployment, and its OpenAPI document. */
export async function docsRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const { issuer } = context.config;
  const tags = ['docs'];

  app.get(
    '/',
    { schema: { summary: 'Home page for people: what this deployment is, and where to go', tags } },
    async (request, reply) => {
      if (asksForJson(request.headers)) throw new NotFound();
      return sendPage(reply, homePage(issuer));
    },
  );

  app.get(
    '/docs',
    { schema: { summary: 'Quick details: endpoints, grants, PKCE, lifetimes, errors', tags } },
    async (_request, reply) =>
      sendPage(
        reply,
        quickDetailsPage({
          issuer,
          grants: [...grantHandlers.keys()],
          signedTokenMaxAgeSeconds: context.config.signedTokenMaxAge,
        }),
      ),
  );
  app.get('/docs/scopes', { schema: { summary: 'The scopes of this deployment', tags } }, async (_request, reply) =>
    sendPage(reply, scopesPage(context.scopes)),
  );
  app.get(
    '/docs/walkthrough',
    { schema: { summary: 'Both dialects with curl and SDK snippets', tags } },
    async (_request, reply) => sendPage(reply, walkthroughPage(issuer)),
  );

  // built on first request: by then every route module has registered its routes
  let document: string | undefined;
  app.get('/openapi.json', { schema: { summary: 'This OpenAPI 3.1 document', tags } }, async (_request, reply) => {
    document ??= JSON.stringify(openApiDocument(app.signetRoutes, issuer, context.scopes));
    return reply.header('Access-Control-Allow-Origin', '*').type('application/json; charset=utf-8').send(document);
  });
}

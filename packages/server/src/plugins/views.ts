import { readFileSync, readdirSync } from 'node:fs';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type SafeHtml, html } from './html.js';

/**
 * No `form-action`: Chrome applies it to the redirect that follows a form POST, which
 * would block the 303 to the app's redirect URI.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** Headers for pages and for redirects that carry codes (no-referrer keeps them out of Referer). */
export function applySecurityHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers(securityHeaders);
}

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  /** a wider main column (dashboards) */
  wide?: boolean;
  /** extra script files under /assets/ (inline script is forbidden by the CSP) */
  scripts?: string[];
}

export function layout({ title, body, wide = false, scripts = [] }: LayoutOptions): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Signet</title>
<link rel="stylesheet" href="/static/signet.css">
${scripts.map((name) => html`<script src="/static/${name}" defer></script>`)}
</head>
<body>
<header class="site-header"><a class="brand" href="/">Signet</a></header>
<main class="${wide ? 'wide' : ''}">
${body}
</main>
</body>
</html>
`;
}

export function sendPage(reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  return applySecurityHeaders(reply).status(status).type('text/html; charset=utf-8').send(page.value);
}

/** A complete error page: a title and one sentence, never a redirect. */
export function errorPage(title: string, message: string): SafeHtml {
  return layout({
    title,
    body: html`<div class="card"><h1>${title}</h1><p class="error" role="alert">${message}</p></div>`,
  });
}

// Resolved from the package root, so it is the same folder from src/plugins (vitest) and dist/plugins (built).
const ASSETS_DIR = new URL('../../assets/', import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

interface Asset {
  type: string;
  body: Buffer;
}

/** Reads the asset folder once; only these names are ever served, so no path can escape it. */
function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(ASSETS_DIR)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type && /^[a-z0-9][a-z0-9._-]*$/.test(name))
      assets.set(name, { type, body: readFileSync(new URL(name, ASSETS_DIR)) });
  }
  return assets;
}

/** Serves /static/<name> (stylesheet, scripts) from the package's assets folder. */
export async function viewsRoutes(app: FastifyInstance): Promise<void> {
  const assets = loadAssets();
  app.get<{ Params: { name: string } }>('/static/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return sendPage(reply, errorPage('Not found', 'There is no such file.'), 404);
    return reply
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'public, max-age=300')
      .type(asset.type)
      .send(asset.body);
  });
}

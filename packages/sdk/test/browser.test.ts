import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyPair, signRequest } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// the built SDK and its dependencies, as a browser would load them without a bundler
const mounts: Record<string, string> = {
  '/sdk/': 'packages/sdk/',
  '/protocol/': 'packages/protocol/',
  '/nm/': 'node_modules/',
};
const PAGE = `<!doctype html><meta charset="utf-8"><title>SDK</title>
<script type="importmap">{"imports":{
  "@signet/sdk":"/sdk/dist/index.js","@signet/protocol":"/protocol/dist/index.js",
  "@noble/curves/":"/nm/@noble/curves/","@noble/hashes/":"/nm/@noble/hashes/"}}</script>
<script type="module">import * as sdk from '@signet/sdk'; window.sdk = sdk; document.title = 'ready';</script>`;

describe('the SDK in a browser (no bundler, no Node APIs)', () => {
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (path === '/') return void response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      const mount = Object.keys(mounts).find((prefix) => path.startsWith(prefix));
      if (!mount || path.includes('..')) return void response.writeHead(404).end();
      try {
        const body = await readFile(root + (mounts[mount] ?? '') + path.slice(mount.length));
        response
          .writeHead(200, { 'content-type': extname(path) === '.js' ? 'text/javascript' : 'application/octet-stream' })
          .end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('makes PKCE pairs, authorize URLs and the same signed token as Node', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(base);
    await expect.poll(() => page.title()).toBe('ready');

    const keystore = { user_id: randomUUID(), session_id: randomUUID(), session_private_key: createKeyPair().seedHex };
    const requestId = randomUUID();
    const inBrowser = await page.evaluate(
      ({ keystore, requestId }) => {
        const { sdk } = window as unknown as { sdk: typeof import('../src/index.js') };
        const pkce = sdk.createPkce();
        return {
          pkce,
          url: sdk.authorizeUrl({
            issuer: 'https://signet.example',
            clientId: 'c',
            codeChallenge: pkce.challenge,
            state: 's',
          }),
          token: sdk.signRequest({ method: 'GET', url: '/me', keystore, requestId, now: 1_795_000_000 }).token,
        };
      },
      { keystore, requestId },
    );
    expect(inBrowser.pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(inBrowser.pkce.challenge).toBe(createHash('sha256').update(inBrowser.pkce.verifier).digest('base64url'));
    expect(new URL(inBrowser.url).searchParams.get('code_challenge')).toBe(inBrowser.pkce.challenge);
    expect(inBrowser.token).toBe(
      signRequest({ method: 'GET', url: '/me', keystore, requestId, now: 1_795_000_000 }).token,
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});

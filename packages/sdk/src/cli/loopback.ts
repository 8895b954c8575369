import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>Signet</title><p>Signed in. You can close this tab and go back to the terminal.</p>';

/**
 * A one-shot loopback redirect target (RFC 8252 §7.3): listens on 127.0.0.1, hands over
 * the first /callback URL it receives, then closes.
 */
export async function openLoopback(
  port = 0,
): Promise<{ redirectUri: string; callback: Promise<string>; close: () => void }> {
  let deliver: (url: string) => void = () => undefined;
  const callback = new Promise<string>((resolve) => {
    deliver = resolve;
  });
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(PAGE);
    deliver(`http://127.0.0.1:${(server.address() as AddressInfo).port}${request.url ?? ''}`);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${bound}/callback`, callback, close: () => server.close() };
}

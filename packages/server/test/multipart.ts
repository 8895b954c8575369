import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { TestBrowser } from './web.js';

export interface FilePart {
  name: string;
  filename: string;
  type: string;
  bytes: Buffer;
}

/** A multipart/form-data body as a browser builds it for a form with a file input. */
export function multipartBody(fields: Record<string, string>, file?: FilePart): { body: Buffer; contentType: string } {
  const boundary = `----signettest${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
    );
    chunks.push(file.bytes, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Posts a multipart form with the browser's cookies (the dashboard's app forms). */
export function postMultipart(
  app: FastifyInstance,
  browser: TestBrowser,
  url: string,
  fields: Record<string, string>,
  file?: FilePart,
): Promise<LightMyRequestResponse> {
  const { body, contentType } = multipartBody(fields, file);
  return app.inject({
    method: 'POST',
    url,
    remoteAddress: browser.address,
    headers: { cookie: browser.cookieHeader, 'content-type': contentType },
    payload: body,
  });
}

/** The smallest valid PNG: a 1x1 transparent pixel. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

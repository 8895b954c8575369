import type { LightMyRequestResponse } from 'fastify';
import { type FilePart, postMultipart } from './multipart.js';
import { PASSWORD, TestBrowser, type WebHarness, csrfOf, location } from './web.js';

export const APP_FORM = {
  name: 'Weather Bot',
  description: 'Tells the weather.',
  website: 'https://weather.example.com',
  redirect_uris: 'https://weather.example.com/cb\nhttp://127.0.0.1/cb',
  hosts: '*.weather.example.com',
};

/** Alice, signed in, in a browser over inject(). */
export async function signedInAlice(h: WebHarness): Promise<TestBrowser> {
  const browser = new TestBrowser(h.app);
  await browser.signIn(h.username, PASSWORD, '/dashboard');
  return browser;
}

export async function submitNewApp(
  h: WebHarness,
  browser: TestBrowser,
  fields: Record<string, string> = {},
  file?: FilePart,
): Promise<LightMyRequestResponse> {
  const form = await browser.get('/dashboard/apps/new');
  return postMultipart(
    h.app,
    browser,
    '/dashboard/apps/new',
    { _csrf: csrfOf(form.body), ...APP_FORM, ...fields },
    file,
  );
}

/** Creates an app through the form; returns its client_id and the page that showed the secret. */
export async function createThroughForm(
  h: WebHarness,
  browser: TestBrowser,
  fields: Record<string, string> = {},
  file?: FilePart,
) {
  const response = await submitNewApp(h, browser, fields, file);
  if (response.statusCode !== 303)
    throw new Error(`create refused (${response.statusCode}): ${response.body.slice(0, 500)}`);
  const path = location(response).pathname;
  const clientId = path.split('/').pop() ?? '';
  const page = await browser.get(path);
  return { clientId, path, page: page.body, redirect: response };
}

export function secretOf(page: string): string | undefined {
  return /id="client-secret" value="([0-9a-f]{64})"/.exec(page)?.[1];
}

export function count(h: WebHarness, table: 'apps' | 'key_sessions' | 'app_logos' | 'users'): Promise<number> {
  return h.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow()
    .then((row) => Number(row.n));
}

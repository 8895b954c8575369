import { csrfOf } from './web.js';

/**
 * A browser over real HTTP: keeps its session cookie and never follows redirects.
 * Paths go to its base URL; a full URL may name another server instance, and the
 * cookie goes along, as it would behind a load balancer.
 */
export class HttpBrowser {
  cookie = '';
  constructor(readonly base: string) {}

  private url(pathOrUrl: string): string {
    return /^https?:/.test(pathOrUrl) ? pathOrUrl : this.base + pathOrUrl;
  }

  private remember(response: Response): Response {
    const set = response.headers.getSetCookie().find((c) => /^(__Host-)?signet_sid=/.test(c));
    if (set) this.cookie = set.split(';')[0] ?? '';
    return response;
  }

  async get(pathOrUrl: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.remember(
      await fetch(this.url(pathOrUrl), { headers: { cookie: this.cookie, ...headers }, redirect: 'manual' }),
    );
  }

  async post(pathOrUrl: string, fields: [string, string][] | Record<string, string>): Promise<Response> {
    const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields)).toString();
    return this.remember(
      await fetch(this.url(pathOrUrl), {
        method: 'POST',
        headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        redirect: 'manual',
      }),
    );
  }

  /** Signs in through the form; answers the POST's response (303 on success). */
  async signIn(username: string, password: string): Promise<Response> {
    const page = await (await this.get('/signin')).text();
    return this.post('/signin', { _csrf: csrfOf(page), username, password, next: '/account' });
  }
}

/** Opens an authorize page while signed out and reads the pending device request it shows. */
export async function openPendingRequest(
  browser: HttpBrowser,
  query: string,
): Promise<{ codeId: string; authorizationId: string; page: string }> {
  const response = await browser.get(`/oauth/authorize?${query}`);
  const page = await response.text();
  const codeId = /\/codes\/([0-9a-f-]{36})/.exec(page)?.[1];
  const authorizationId = /data-events="\/oauth\/device\/([0-9a-f-]{36})\/events"/.exec(page)?.[1];
  if (!codeId || !authorizationId) throw new Error(`no device approval section on the page (${response.status})`);
  return { codeId, authorizationId, page };
}

export interface Decision {
  state: string;
  redirect?: string;
}

/** Opens the waiting page's event stream; `decision` resolves with its one `decision` event. */
export async function openDecisionStream(
  browser: HttpBrowser,
  authorizationId: string,
): Promise<{ decision: Promise<Decision> }> {
  const response = await fetch(`${browser.base}/oauth/device/${authorizationId}/events`, {
    headers: { cookie: browser.cookie },
  });
  const decision = response.text().then((text) => {
    const data = /event: decision\ndata: (.*)\n/.exec(text)?.[1];
    if (!data) throw new Error(`no decision event in: ${text}`);
    return JSON.parse(data) as Decision;
  });
  // a stream ended early must not surface as an unhandled rejection before anyone awaits it
  decision.catch(() => undefined);
  return { decision };
}

/** Reads the one `decision` event of the waiting page's stream. */
export async function nextDecision(browser: HttpBrowser, authorizationId: string): Promise<Decision> {
  return (await openDecisionStream(browser, authorizationId)).decision;
}

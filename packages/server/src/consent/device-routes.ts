import { signInUrl } from '../accounts/local-path.js';
import type { Received } from '@signet/protocol/views';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getApp } from '../apps/service.js';
import type { RouteContext } from '../context.js';
import { JSON_TYPE } from '../docs/route-docs.js';
import { AuthorizationRequestExpired, InvalidField, TooManyRequests } from '../errors/platform.js';
import { SignetError } from '../errors/signet-error.js';
import { csrfField, verifyCsrf } from '../plugins/csrf.js';
import { html } from '../plugins/html.js';
import { acceptBodies } from '../plugins/raw-body.js';
import { errorPage, layout, sendPage } from '../plugins/views.js';
import { browserId, currentUser } from '../plugins/web-session.js';
import { DECISION_FIELD, GRANTED_FIELD, consentPage } from './pages.js';
import { requesterNotice } from './requester-notice.js';
import { requesterView } from './requester.js';
import { authenticateSession } from '../plugins/authenticate.js';
import { type DecideRequest, authorizationView, deviceDocs } from './device-view.js';
import {
  type DeviceRequest,
  type WaitState,
  decideDeviceRequest,
  decisionChannel,
  pendingByCodeId,
  waitState,
} from './device.js';

/** Concurrent event streams one instance keeps open for one pending request. */
export const MAX_STREAMS_PER_REQUEST = 4;

/** A device's app asks in JSON; a browser gets the page. */
export function wantsJson(request: FastifyRequest): boolean {
  return request.headers.authorization !== undefined || (request.headers.accept ?? '').includes('application/json');
}

function stringArray(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
}

/** JSON side of device approval, plus the waiting browser's event stream and status. */
export async function deviceApiRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  // open event streams are ended at shutdown, or they would hold app.close() until they expire
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });

  app.get<{ Params: { codeId: string } }>(
    '/codes/:codeId',
    { config: { openapi: deviceDocs.code } },
    async (request, reply) => {
      if (!wantsJson(request)) return devicePage(context, request, reply, request.params.codeId);
      await authenticateSession(context, request);
      const pending = await pendingByCodeId(context, request.params.codeId);
      return { data: await authorizationView(context, pending, pending.request.scopes, request.ip) };
    },
  );

  // the same decision from a browser signed in on the device: the consent form posts here
  app.post<{ Params: { codeId: string } }>('/codes/:codeId', { preHandler: verifyCsrf }, async (request, reply) => {
    const user = currentUser(request);
    const here = `/codes/${encodeURIComponent(request.params.codeId)}`;
    if (!user) return reply.redirect(signInUrl(here), 303);
    const pending = await pendingOrPage(context, reply, request.params.codeId);
    if (!pending) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const ticked = [body[GRANTED_FIELD]].flat().filter((s): s is string => typeof s === 'string');
    const chosen = body[DECISION_FIELD] === 'authorize' ? ticked : [];
    await decideDeviceRequest(context, pending.authorizationId, user.user_id, chosen, request);
    return reply.redirect(
      `${here}/decided?${new URLSearchParams({ result: chosen.length > 0 ? 'approved' : 'denied' }).toString()}`,
      303,
    );
  });

  app.get<{ Params: { codeId: string }; Querystring: { result?: string } }>(
    '/codes/:codeId/decided',
    async (request, reply) => {
      const approved = request.query.result === 'approved';
      const message = approved
        ? 'Approved. The other screen continues by itself.'
        : 'Denied. The app was told you said no.';
      return sendPage(
        reply,
        layout({
          title: approved ? 'Approved' : 'Denied',
          body: html`<section class="card"><h1>${approved ? 'Approved' : 'Denied'}</h1><p role="status">${message}</p></section>`,
        }),
      );
    },
  );

  // the device's JSON API only: the browser's consent form posts to /oauth/authorize/decision
  app.post(
    '/oauth/authorize',
    { onRequest: acceptBodies(JSON_TYPE), config: { openapi: deviceDocs.decide } },
    async (request) => {
      const principal = await authenticateSession(context, request);
      const body = (request.body ?? {}) as Received<Static<typeof DecideRequest>>;
      const authorizationId = body.authorization_id;
      const scopes = stringArray(body.scopes ?? []);
      if (typeof authorizationId !== 'string')
        throw new InvalidField('authorization_id', 'is required', { fieldOnly: true });
      if (!scopes) throw new InvalidField('scopes', 'must be an array of scope names', { fieldOnly: true });
      const { request: decided, granted } = await decideDeviceRequest(
        context,
        authorizationId,
        principal.userId,
        scopes,
        request,
      );
      return { data: await authorizationView(context, decided, granted, request.ip) };
    },
  );

  // Neither of these has an automatic HEAD twin: reading a decision consumes it, and a
  // HEAD would hand it to no one, leaving the waiting page to time out.
  app.get<{ Params: { authorizationId: string } }>(
    '/oauth/device/:authorizationId/status',
    { exposeHeadRoute: false },
    async (request) => {
      return stateBody(await waitState(context, request.params.authorizationId, browserId(request)));
    },
  );

  // a waiting page needs one stream; a few more allow for reloads whose old stream has not closed yet
  const openStreams = new Map<string, number>();
  app.get<{ Params: { authorizationId: string } }>(
    '/oauth/device/:authorizationId/events',
    { exposeHeadRoute: false },
    async (request, reply) => {
      const { authorizationId } = request.params;
      const browser = browserId(request);
      const first = await waitState(context, authorizationId, browser);
      const open = openStreams.get(authorizationId) ?? 0;
      if (open >= MAX_STREAMS_PER_REQUEST) {
        // the page's script falls back to polling the status
        throw new TooManyRequests('Too many open event streams for this request; poll its status instead.', {
          'Retry-After': '5',
        });
      }
      openStreams.set(authorizationId, open + 1);
      const closed = () => {
        const left = (openStreams.get(authorizationId) ?? 1) - 1;
        if (left > 0) openStreams.set(authorizationId, left);
        else openStreams.delete(authorizationId);
      };
      return streamDecision(context, request, reply, { authorizationId, browser, first, streams, closed });
    },
  );
}

/** A pending request, or an error page saying why not (expired, decided, unknown). */
async function pendingOrPage(
  context: RouteContext,
  reply: FastifyReply,
  codeId: string,
): Promise<DeviceRequest | undefined> {
  try {
    return await pendingByCodeId(context, codeId);
  } catch (error) {
    if (!(error instanceof SignetError) || error.code === 500) throw error;
    const title = error instanceof AuthorizationRequestExpired ? 'Request expired' : 'Request unavailable';
    sendPage(reply, errorPage(title, error.message), error.httpStatus);
    return undefined;
  }
}

/** PROTOCOL.md §6 in a browser: the device's signed-in user sees the same consent page. */
async function devicePage(
  context: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  codeId: string,
): Promise<FastifyReply> {
  const user = currentUser(request);
  if (!user) return reply.redirect(signInUrl(`/codes/${encodeURIComponent(codeId)}`), 302);
  const pending = await pendingOrPage(context, reply, codeId);
  if (!pending) return reply;
  const app = await getApp(context, pending.clientId);
  const page = consentPage({
    app,
    scopes: pending.request.scopes,
    registry: context.scopes,
    user,
    redirectUri: pending.request.redirectUri,
    redirectUriMatch: pending.request.redirectUriMatch,
    forWaitingBrowser: true,
    requester: requesterNotice(requesterView(pending.requester, request.ip, context.clock.now()), request.ip),
    action: `/codes/${encodeURIComponent(codeId)}`,
    hidden: {},
    csrf: csrfField(request),
  });
  return sendPage(reply, page);
}

function stateBody(state: WaitState): { state: string; redirect?: string } {
  return state.state === 'done' ? { state: 'done', redirect: state.redirect } : { state: state.state };
}

/**
 * Server-sent events: one `decision` event when the request is decided or expires. The
 * decision may be made on another instance; it arrives through the kv's publish/subscribe.
 */
async function streamDecision(
  context: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  {
    authorizationId,
    browser,
    first,
    streams,
    closed: onClosed,
  }: { authorizationId: string; browser: string; first: WaitState; streams: Set<() => void>; closed: () => void },
): Promise<FastifyReply> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  let closed = false;
  // the browser may leave while the subscription below is still being set up, before the
  // clean-up is attached: remember it, or that subscription would never end
  let left = false;
  const noteLeft = () => {
    left = true;
  };
  raw.once('close', noteLeft);
  request.raw.once('close', noteLeft);
  const send = (state: WaitState) => {
    if (closed) return;
    closed = true;
    raw.end(`event: decision\ndata: ${JSON.stringify(stateBody(state))}\n\n`);
  };
  if (first.state !== 'pending') {
    send(first);
    onClosed();
    return reply;
  }
  const check = async () => {
    try {
      const state = await waitState(context, authorizationId, browser);
      if (state.state !== 'pending') send(state);
    } catch {
      send({ state: 'expired' });
    }
  };
  let unsubscribe: () => Promise<void>;
  try {
    unsubscribe = await context.kv.subscribe(decisionChannel(authorizationId), () => void check());
  } catch (error) {
    onClosed();
    throw error;
  }
  // the decision may have landed between the first look and the subscription
  await check();
  // Node holds written headers back until the first body byte, which for a pending
  // request is the first heartbeat; send them now that the subscription is live, so an
  // open stream (EventSource's `open`) means the decision will reach it.
  if (!closed) raw.flushHeaders();
  const heartbeat = setInterval(() => (closed ? undefined : raw.write(': keep-alive\n\n')), 15_000);
  const expiry = setInterval(() => void check(), 5_000);
  const end = () => raw.end();
  streams.add(end);
  let cleanedUp = false;
  const cleanup = () => {
    closed = true;
    if (cleanedUp) return;
    cleanedUp = true;
    onClosed();
    streams.delete(end);
    clearInterval(heartbeat);
    clearInterval(expiry);
    void unsubscribe();
  };
  raw.on('close', cleanup);
  request.raw.on('close', cleanup);
  if (left) cleanup();
  return reply;
}

import { Exact } from '@signet/protocol/views';
import { type Static, Type } from '@sinclair/typebox';
import { publicIconUrl } from '../apps/logos.js';
import { getApp, redirectUrisOf } from '../apps/service.js';
import type { RouteContext } from '../context.js';
import { JSON_TYPE, type RouteDocs, Timestamp, Uuid, dataOf } from '../docs/route-docs.js';
import type { DeviceRequest } from './device.js';
import { REQUESTER_WARNINGS, requesterView } from './requester.js';

/** What authorizationView answers (the routes document it; see docs/route-docs.ts). */
const PendingAuthorization = Exact({
  type: Type.Literal('authorization'),
  authorization_id: Uuid,
  scopes: Type.Array(Type.String(), { description: 'asked for (GET /codes) or granted (POST /oauth/authorize)' }),
  code_id: Type.String(),
  app: Exact({
    type: Type.Literal('app'),
    app_id: Uuid,
    name: Type.String(),
    icon_url: Type.String(),
    description: Type.String(),
    home_uri: Type.String(),
    redirect_uri: Type.String(),
    redirect_uris: Type.Array(Type.String()),
  }),
  created_at: Timestamp,
  requester: Exact(
    {
      ip: Type.Union([Type.String(), Type.Null()], {
        description: 'the address of the browser that opened the request',
      }),
      device: Type.String({
        description: 'its browser and system, from its User-Agent: "Chrome on Windows", or "an unknown device"',
      }),
      created_at: Timestamp,
      same_network: Type.Boolean({ description: 'whether ip is on the same IPv4 /24 or IPv6 /64 as the caller' }),
    },
    { description: 'who opened the request: show it, so the user can tell whether it is theirs' },
  ),
  match_code: Type.Union([Type.String(), Type.Null()], {
    description: 'the code the waiting page shows too, for the user to compare',
  }),
  warnings: Type.Array(Type.Union(REQUESTER_WARNINGS.map((warning) => Type.Literal(warning))), {
    description: 'old: opened more than 60 s ago; other_network: not from the caller’s network',
  }),
});
export const DecideRequest = Type.Object({
  authorization_id: Uuid,
  scopes: Type.Array(Type.String(), { description: 'the scopes approved; empty denies' }),
});
export const deviceDocs = {
  code: { responses: { 200: dataOf(PendingAuthorization) }, errors: 'platform' },
  decide: {
    body: { [JSON_TYPE]: DecideRequest },
    responses: { 200: dataOf(PendingAuthorization) },
    errors: 'platform',
  },
} satisfies Record<string, RouteDocs>;

/**
 * The §6 view of a pending request, as `GET /codes/:id` and `POST /oauth/authorize` answer it.
 * `requester`, `match_code` and `warnings` came later (cross-device phishing): additive, so
 * Mixin's SDKs, which read the other fields, parse it as before. `approverIp` is the caller's.
 */
export async function authorizationView(
  context: RouteContext,
  pending: DeviceRequest,
  scopes: string[],
  approverIp: string,
): Promise<Static<typeof PendingAuthorization>> {
  const app = await getApp(context, pending.clientId);
  const requester = requesterView(pending.requester, approverIp, context.clock.now());
  return {
    type: 'authorization',
    authorization_id: pending.authorizationId,
    scopes,
    code_id: pending.codeId,
    app: {
      type: 'app',
      app_id: app.client_id,
      name: app.name,
      icon_url: publicIconUrl(app.icon_url, context.config.issuer),
      description: app.description,
      home_uri: app.website,
      redirect_uri: pending.request.redirectUri,
      redirect_uris: redirectUrisOf(app),
    },
    created_at: new Date(pending.createdAt).toISOString(),
    requester: {
      ip: requester.ip,
      device: requester.device,
      created_at: new Date(requester.createdAt).toISOString(),
      same_network: requester.sameNetwork,
    },
    match_code: requester.matchCode,
    warnings: requester.warnings,
  };
}

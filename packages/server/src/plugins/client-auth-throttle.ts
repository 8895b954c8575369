import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TemporarilyUnavailable } from '../errors/oauth.js';
import { SignetError } from '../errors/signet-error.js';
import { addressSubject } from '../storage/kv/address-subject.js';
import type { Clock, Kv } from '../storage/kv/types.js';
import { basicCredentials } from '../oauth/client-auth.js';

/**
 * Failed client authentication at the endpoints that authenticate clients, limited in the
 * kv so every instance shares the counts (RATE_LIMITS):
 * - per address: past the limit, every such request from that address is refused before
 *   any credential is checked, until the window ends;
 * - per client: once a client has had too many failures from anywhere, an address that has
 *   failed for that client is refused for it. Addresses that never failed, such as the
 *   client's own servers, go on: a plain per-client lock would let anyone who knows a
 *   client_id lock its service out.
 */
export const CLIENT_AUTH_WINDOW_MS = 15 * 60 * 1000;
export const MAX_CLIENT_AUTH_FAILURES_PER_ADDRESS = 50;
export const MAX_CLIENT_AUTH_FAILURES_PER_CLIENT = 100;

const CLIENT_AUTH_ROUTES = new Set(['/oauth/token', '/oauth/revoke', '/oauth/introspect']);

/** The client a request names, from its body (either form) or its Basic credentials; nothing is verified here. */
function claimedClientId(request: FastifyRequest): string | undefined {
  const body = request.body;
  if (body && typeof body === 'object' && 'client_id' in body && typeof body.client_id === 'string')
    return body.client_id;
  const header = request.headers.authorization;
  try {
    return header ? basicCredentials(header)?.clientId : undefined;
  } catch {
    // malformed Basic credentials name nobody; the route refuses them itself
    return undefined;
  }
}

interface FailureKeys {
  address: string;
  /** absent when the request names no client, or a claim too long to be one (client ids are UUIDs) */
  client?: { total: string; fromAddress: string };
  retryAfter: string;
}

function failureKeys(clock: Clock, request: FastifyRequest): FailureKeys {
  const now = clock.now();
  const prefix = `client-auth-failures:${Math.floor(now / CLIENT_AUTH_WINDOW_MS)}`;
  const address = `${prefix}:ip:${addressSubject(request.ip)}`;
  const retryAfter = String(Math.ceil((CLIENT_AUTH_WINDOW_MS - (now % CLIENT_AUTH_WINDOW_MS)) / 1000));
  const clientId = claimedClientId(request)?.toLowerCase();
  if (clientId === undefined || clientId.length > 64) return { address, retryAfter };
  return {
    address,
    retryAfter,
    client: { total: `${prefix}:client:${clientId}`, fromAddress: `${address}:client:${clientId}` },
  };
}

const count = async (kv: Kv, key: string) => Number((await kv.get(key)) ?? 0);

/** Registers the throttle on the root instance, before the routes it covers. */
export function throttleClientAuthentication(app: FastifyInstance, deps: { kv: Kv; clock: Clock }): void {
  // preHandler: the body is parsed by then, so the client it names can be read
  app.addHook('preHandler', async (request) => {
    if (!CLIENT_AUTH_ROUTES.has(request.routeOptions.url ?? '')) return;
    const keys = failureKeys(deps.clock, request);
    const refused =
      (await count(deps.kv, keys.address)) >= MAX_CLIENT_AUTH_FAILURES_PER_ADDRESS ||
      (keys.client !== undefined &&
        (await count(deps.kv, keys.client.total)) >= MAX_CLIENT_AUTH_FAILURES_PER_CLIENT &&
        (await count(deps.kv, keys.client.fromAddress)) > 0);
    if (refused) {
      throw new TemporarilyUnavailable('Too many failed client authentications. Try again later.', keys.retryAfter);
    }
  });
  app.addHook('onError', async (request, _reply, error: unknown) => {
    if (!CLIENT_AUTH_ROUTES.has(request.routeOptions.url ?? '')) return;
    if (!(error instanceof SignetError) || error.oauthError !== 'invalid_client') return;
    const keys = failureKeys(deps.clock, request);
    const all = keys.client ? [keys.address, keys.client.total, keys.client.fromAddress] : [keys.address];
    await Promise.all(all.map((key) => deps.kv.increment(key, CLIENT_AUTH_WINDOW_MS)));
  });
}

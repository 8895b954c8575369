import { randomUUID } from 'node:crypto';
import { type AuditSource, recordAuditEventAfter } from '../audit/service.js';
import { AuthorizationRequestExpired, Forbidden, InvalidField, NotFound } from '../errors/platform.js';
import { AccessDenied } from '../errors/oauth.js';
import { type RouteContext, lifetimes } from '../context.js';
import { approvedRedirectUrl, errorRedirectUrl } from '../oauth/authorize-redirect.js';
import type { AuthorizeRequest } from '../oauth/authorize-request.js';
import type { DeviceRequestsTable } from '../storage/tables.js';
import { sha256Hex } from '../tokens/opaque.js';
import { decidePendingRequest, findDeviceRequest, insertDeviceRequest } from './device-repo.js';
import { recordGrant } from './grants.js';
import { type RequesterRecord, newMatchCode } from './requester.js';
import { withAlwaysGranted } from './scopes.js';
import { describeUserAgent } from './user-agent.js';

/*
 * Approval from a device (PROTOCOL.md §6). A browser waiting on the sign-in page opens a
 * pending request; a signed-in device approves or denies it once; the answer (a redirect
 * carrying a fresh code, or access_denied) is handed to the waiting browser alone.
 */

type DeviceDeps = Pick<RouteContext, 'db' | 'kv' | 'clock' | 'config'>;

export interface DeviceRequest {
  authorizationId: string;
  codeId: string;
  clientId: string;
  request: AuthorizeRequest;
  status: DeviceRequestsTable['status'];
  createdAt: number;
  expiresAt: number;
  /** who opened it, where and when, for the approving device to judge (consent/requester.ts) */
  requester: RequesterRecord;
}

/** The waiting browser that opens a request: its session, address (request.ip) and User-Agent header. */
export interface DeviceRequester {
  browserId: string;
  ip: string;
  userAgent: string | undefined;
}

// how long after a decision its answer may still be on its way to the kv
const ANSWER_GRACE_MS = 30_000;

const resultKey = (authorizationId: string) => `device-result:${authorizationId}`;
export const decisionChannel = (authorizationId: string) => `device:${authorizationId}`;

/**
 * A request stored before codes recorded how their redirect URI was allowed has no
 * redirectUriMatch: it is read as `host_pattern`, the stricter reading, for the few
 * minutes such a request can still be pending.
 */
function storedRequest(json: string): AuthorizeRequest {
  const request = JSON.parse(json) as Partial<AuthorizeRequest> & Omit<AuthorizeRequest, 'redirectUriMatch'>;
  return { ...request, redirectUriMatch: request.redirectUriMatch ?? 'host_pattern' };
}

function toDeviceRequest(row: DeviceRequestsTable): DeviceRequest {
  return {
    authorizationId: row.authorization_id,
    codeId: row.code_id,
    clientId: row.client_id,
    request: storedRequest(row.request),
    status: row.status,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    requester: {
      ip: row.requester_ip,
      device: row.requester_device ?? describeUserAgent(undefined),
      matchCode: row.match_code,
      createdAt: row.created_at,
    },
  };
}

export async function openDeviceRequest(
  deps: DeviceDeps,
  request: AuthorizeRequest,
  requester: DeviceRequester,
): Promise<DeviceRequest> {
  const now = deps.clock.now();
  const row: DeviceRequestsTable = {
    authorization_id: randomUUID(),
    code_id: randomUUID(),
    client_id: request.clientId,
    request: JSON.stringify(request),
    browser_hash: sha256Hex(requester.browserId),
    status: 'pending',
    user_id: null,
    created_at: now,
    expires_at: now + lifetimes.deviceRequestMs,
    decided_at: null,
    requester_ip: requester.ip,
    requester_device: describeUserAgent(requester.userAgent),
    match_code: newMatchCode(),
  };
  await insertDeviceRequest(deps.db, row);
  return toDeviceRequest(row);
}

async function findRow(
  deps: DeviceDeps,
  column: 'code_id' | 'authorization_id',
  value: string,
): Promise<DeviceRequestsTable> {
  const row = await findDeviceRequest(deps.db, column, value);
  if (!row) throw new NotFound('No such authorization request.');
  return row;
}

/** A request still waiting for its decision, by the code_id in the QR code. */
export async function pendingByCodeId(deps: DeviceDeps, codeId: string): Promise<DeviceRequest> {
  const row = await findRow(deps, 'code_id', codeId);
  if (row.expires_at <= deps.clock.now()) throw new AuthorizationRequestExpired();
  if (row.status !== 'pending') throw new Forbidden('This authorization request was already decided.');
  return toDeviceRequest(row);
}

/**
 * Records the one decision a request may get: a single conditional UPDATE decides who
 * wins when two devices answer at once. `scopes` empty means deny. `source` is the
 * deciding device's request, for the audit log.
 */
export async function decideDeviceRequest(
  deps: DeviceDeps,
  authorizationId: string,
  userId: string,
  chosen: readonly string[],
  source: AuditSource,
): Promise<{ request: DeviceRequest; granted: string[] }> {
  const row = await findRow(deps, 'authorization_id', authorizationId);
  const pending = toDeviceRequest(row);
  const requested = new Set(pending.request.scopes);
  const beyond = chosen.filter((s) => !requested.has(s));
  if (beyond.length > 0) throw new InvalidField('scopes', `${beyond.join(' ')} was not requested`, { fieldOnly: true });
  const approve = chosen.length > 0;
  const now = deps.clock.now();
  if (!(await decidePendingRequest(deps.db, authorizationId, approve ? 'approved' : 'denied', userId, now))) {
    if (row.expires_at <= now) throw new AuthorizationRequestExpired();
    throw new Forbidden('This authorization request was already decided.');
  }
  const { request } = pending;
  let redirect: string;
  let granted: string[] = [];
  if (approve) {
    granted = withAlwaysGranted(request.scopes.filter((s) => chosen.includes(s)));
    await recordGrant(deps, userId, request.clientId, granted, { asked: request.scopes, ip: source.ip, via: 'device' });
    redirect = await approvedRedirectUrl(deps, request, userId, granted, authorizationId);
  } else {
    const denied = new AccessDenied('The user denied the request.');
    redirect = errorRedirectUrl(deps.config.issuer, request.redirectUri, request.state, denied);
    const detail = { asked: request.scopes, via: 'device' };
    await recordAuditEventAfter(deps, source, {
      type: 'consent.denied',
      userId,
      clientId: request.clientId,
      authorizationId,
      detail,
    });
  }
  await deps.kv.set(resultKey(authorizationId), redirect, lifetimes.deviceRequestMs);
  await deps.kv.publish(decisionChannel(authorizationId), approve ? 'approved' : 'denied');
  return { request: { ...pending, status: approve ? 'approved' : 'denied' }, granted };
}

export type WaitState = { state: 'pending' } | { state: 'expired' } | { state: 'done'; redirect: string };

/** What the waiting browser should do now. Only the browser that opened the request may learn it. */
export async function waitState(deps: DeviceDeps, authorizationId: string, browserId: string): Promise<WaitState> {
  const row = await findRow(deps, 'authorization_id', authorizationId);
  if (row.browser_hash !== sha256Hex(browserId)) throw new Forbidden('This request belongs to another browser.');
  const now = deps.clock.now();
  if (row.status === 'pending') return row.expires_at <= now ? { state: 'expired' } : { state: 'pending' };
  const redirect = await deps.kv.getAndDelete(resultKey(authorizationId));
  if (redirect) return { state: 'done', redirect };
  // decided a moment ago: the deciding instance is still issuing the code and storing the answer
  if (row.decided_at !== null && now - row.decided_at < ANSWER_GRACE_MS) return { state: 'pending' };
  return { state: 'expired' };
}

import type { Clock } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';
import type { AuditDetail, AuditEvent, AuditVia } from './events.js';
import { type AuditEventRow, type AuditQuery, insertAuditEvent, listAuditEvents } from './repo.js';

export type { AuditEvent, AuditEventType, AuditVia } from './events.js';

/*
 * Whether a failed audit write fails the request:
 *
 * - Changes that create or alter credentials and apps (app created, deleted or given a new
 *   secret, keystore created, consent granted) write their event in the transaction of the
 *   change (`recordChange`): no such change exists without its record. If the row cannot be
 *   written, the change is rolled back and the request fails.
 * - Everything else is written right after, where the request is (`recordAuditEventAfter`):
 *   sign-in and sign-out, refusals and detections, and every revocation. A revocation has
 *   happened and must stand, so it is never refused or rolled back for want of its record:
 *   a failed write is logged at error level, with the whole event, and the answer is unchanged.
 */

export interface AuditDeps {
  db: Db;
  clock: Clock;
}

/** What a change made inside a service knows of its caller. */
export interface AuditOrigin {
  ip?: string | null | undefined;
  via?: AuditVia | undefined;
  /** the signed-in user who acted, when the event concerns another (an app's bot keystore) */
  actorId?: string | undefined;
}

/** Pino's shape (a Fastify request's `log`), without importing Fastify here. */
export interface ErrorLog {
  error(details: object, message: string): void;
}

/** The request an event was seen in: its client address, and where a failed write is reported. */
export interface AuditSource {
  ip: string;
  log: ErrorLog;
}

/** Writes one event; throws when it cannot, so inside a transaction the change fails with it. */
export async function recordAuditEvent(deps: AuditDeps, event: AuditEvent): Promise<void> {
  await insertAuditEvent(deps.db, {
    created_at: deps.clock.now(),
    type: event.type,
    user_id: event.userId ?? null,
    client_id: event.clientId ?? null,
    authorization_id: event.authorizationId ?? null,
    ip: event.ip ?? null,
    detail: JSON.stringify(event.detail ?? {}),
  });
}

/** `recordAuditEvent` for a service's own change: the origin's address, `via` and actor join the event. */
export function recordChange(deps: AuditDeps, event: Omit<AuditEvent, 'ip'>, origin: AuditOrigin): Promise<void> {
  const detail: AuditDetail = {
    ...event.detail,
    ...(origin.via ? { via: origin.via } : {}),
    ...(origin.actorId ? { actor_id: origin.actorId } : {}),
  };
  return recordAuditEvent(deps, { ...event, ip: origin.ip, detail });
}

/** Writes an event after its change: a failure is logged, not thrown (see the rule above). */
export async function recordAuditEventAfter(
  deps: AuditDeps,
  source: AuditSource,
  event: Omit<AuditEvent, 'ip'>,
): Promise<void> {
  try {
    await recordAuditEvent(deps, { ...event, ip: source.ip });
  } catch (error) {
    source.log.error({ err: error, audit: { ...event, ip: source.ip } }, 'audit event not recorded');
  }
}

/** An event as `signet audit --json` prints it. */
export interface AuditEventView {
  event_id: number;
  /** ISO 8601 UTC */
  at: string;
  type: string;
  user_id: string | null;
  client_id: string | null;
  authorization_id: string | null;
  ip: string | null;
  detail: AuditDetail;
}

function toView(row: AuditEventRow): AuditEventView {
  return {
    event_id: row.event_id,
    at: new Date(row.created_at).toISOString(),
    type: row.type,
    user_id: row.user_id,
    client_id: row.client_id,
    authorization_id: row.authorization_id,
    ip: row.ip,
    detail: JSON.parse(row.detail) as AuditDetail,
  };
}

/** The newest `limit` events matching the query, oldest first. */
export async function listAuditEventViews(db: Db, query: AuditQuery): Promise<AuditEventView[]> {
  return (await listAuditEvents(db, query)).map(toView);
}

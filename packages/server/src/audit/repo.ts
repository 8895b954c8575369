import type { Insertable, Selectable } from 'kysely';
import type { AuditEventsTable, Db } from '../storage/tables.js';

export type AuditEventRow = Selectable<AuditEventsTable>;

export async function insertAuditEvent(db: Db, row: Insertable<AuditEventsTable>): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

export interface AuditQuery {
  /** epoch milliseconds, inclusive */
  since: number;
  types?: readonly string[] | undefined;
  userId?: string | undefined;
  limit: number;
}

/** The newest `limit` events since the given time, oldest first (the order a log reads in). */
export async function listAuditEvents(db: Db, query: AuditQuery): Promise<AuditEventRow[]> {
  let select = db.selectFrom('audit_events').selectAll().where('created_at', '>=', query.since);
  if (query.types && query.types.length > 0) select = select.where('type', 'in', query.types);
  if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
  const newest = await select.orderBy('created_at', 'desc').orderBy('event_id', 'desc').limit(query.limit).execute();
  return newest.reverse();
}

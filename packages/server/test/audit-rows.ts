import type { AuditEventsTable, Db } from '../src/storage/tables.js';

/** A stored row with its detail parsed, and the row as stored, to check what it must never contain. */
export type AuditRow = Omit<AuditEventsTable, 'event_id' | 'detail'> & {
  event_id: number;
  detail: Record<string, unknown>;
  raw: string;
};

/** Reads the audit rows written after it was made: each test sees only what its own actions wrote. */
export async function auditMark(db: Db): Promise<() => Promise<AuditRow[]>> {
  const last = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('event_id').as('id'))
    .executeTakeFirst();
  const after = Number(last?.id ?? 0);
  return async () => {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('event_id', '>', after)
      .orderBy('event_id')
      .execute();
    return rows.map((row) => ({
      ...row,
      event_id: Number(row.event_id),
      detail: JSON.parse(row.detail) as Record<string, unknown>,
      raw: JSON.stringify(row),
    }));
  };
}

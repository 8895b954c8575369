import type { Db, DeviceRequestsTable } from '../storage/tables.js';

/* The owner of the device_requests table: approvals pending on a signed-in device (consent/device.ts). */

export type DeviceRequestRow = DeviceRequestsTable;

export async function insertDeviceRequest(db: Db, row: DeviceRequestRow): Promise<void> {
  await db.insertInto('device_requests').values(row).execute();
}

export function findDeviceRequest(
  db: Db,
  column: 'code_id' | 'authorization_id',
  value: string,
): Promise<DeviceRequestRow | undefined> {
  return db.selectFrom('device_requests').selectAll().where(column, '=', value).executeTakeFirst();
}

/** The one decision a request may get: true only for the caller whose write found it pending and unexpired. */
export async function decidePendingRequest(
  db: Db,
  authorizationId: string,
  status: 'approved' | 'denied',
  userId: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('device_requests')
    .set({ status, user_id: userId, decided_at: now })
    .where('authorization_id', '=', authorizationId)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

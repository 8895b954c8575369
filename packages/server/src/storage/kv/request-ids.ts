const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refuses what is not a UUID: a request id is spent under its 16 bytes, and no two spellings may differ. */
function checkRequestId(id: string): void {
  if (!UUID.test(id)) throw new TypeError('a request id must be a UUID');
}

/** Where Redis and the memory kv keep a spent request id (the key the kv table used before spent_request_ids). */
export function requestIdKey(id: string): string {
  checkRequestId(id);
  return `jti:${id.toLowerCase()}`;
}

/** A request id's 16 bytes, the key of spent_request_ids. */
export function requestIdBytes(id: string): Buffer {
  checkRequestId(id);
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

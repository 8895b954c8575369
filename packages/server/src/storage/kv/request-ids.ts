import { isUuid } from '@signet/protocol';

/** Refuses what is not a UUID: a request id is spent under its 16 bytes, and no two spellings may differ. */
function checkRequestId(id: string): void {
  if (!isUuid(id)) throw new TypeError('a request id must be a UUID');
}

/** Where Redis and the memory kv keep a spent request id (the key the kv table used before spent_request_ids). */
export function requestIdKey(id: string): string {
  checkRequestId(id);
  return `jti:${id.toLowerCase()}`;
}

/** A request id's 32 lower-case hex digits: the key its 16 bytes are stored under in spent_request_ids. */
export function requestIdHex(id: string): string {
  checkRequestId(id);
  return id.toLowerCase().replaceAll('-', '');
}

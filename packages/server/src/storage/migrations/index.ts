import type { Migration } from 'kysely';
import * as initial from './20261123170000_initial.js';
import * as authorization from './20261123180000_authorization.js';
import * as ledger from './20261123190000_ledger.js';
import * as appLogos from './20261123191000_app_logos.js';
import * as auditLog from './20261123200000_audit_log.js';
import * as expiryIndexes from './20261123210000_expiry_indexes.js';
import * as spentRequestIds from './20261124090000_spent_request_ids.js';
import * as redirectUriMatch from './20261204100000_redirect_uri_match.js';
import * as deviceRequester from './20261204110000_device_requester.js';
import * as authorizationKeySession from './20261204120000_authorization_key_session.js';

/** Every migration, by name; names sort in the order they run. Append only. */
export const migrations: Record<string, Migration> = {
  '20261123170000_initial': initial,
  '20261123180000_authorization': authorization,
  '20261123190000_ledger': ledger,
  '20261123191000_app_logos': appLogos,
  '20261123200000_audit_log': auditLog,
  '20261123210000_expiry_indexes': expiryIndexes,
  '20261124090000_spent_request_ids': spentRequestIds,
  '20261204100000_redirect_uri_match': redirectUriMatch,
  '20261204110000_device_requester': deviceRequester,
  '20261204120000_authorization_key_session': authorizationKeySession,
};

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeystoreFile } from '@signet/protocol';
import { type AuditOrigin, recordChange } from '../audit/service.js';
import type { Clock } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';
import { type ChangeStores, runInTransaction } from '../storage/transaction.js';
import { insertKeySession, listLiveKeySessions, revokeKeySessionRow } from '../tokens/key-sessions-repo.js';
import { revokeServiceLoginRows } from '../tokens/repo.js';

/** The keystore file a user downloads (PROTOCOL.md §3): its schema is in @signet/protocol. */
export type Keystore = KeystoreFile;

/**
 * Makes a key pair, keeps only its public half, and hands the private half out once.
 * The session and its audit event are written together.
 */
export async function createKeystore(
  deps: { db: Db; clock: Clock },
  userId: string,
  serverPublicKey: Buffer,
  origin: AuditOrigin = {},
): Promise<Keystore> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const sessionId = randomUUID();
  await deps.db.transaction().execute(async (trx) => {
    await insertKeySession(trx, {
      session_id: sessionId,
      user_id: userId,
      public_key: raw.toString('hex'),
      created_at: new Date(deps.clock.now()).toISOString(),
      revoked_at: null,
    });
    await recordChange(
      { db: trx, clock: deps.clock },
      { type: 'keystore.created', userId, detail: { session_id: sessionId } },
      origin,
    );
  });
  return {
    user_id: userId,
    app_id: userId,
    session_id: sessionId,
    session_private_key: seed.toString('hex'),
    server_public_key: serverPublicKey.toString('hex'),
  };
}

/**
 * Ends a session keystore and, in the same transaction, the service logins it signed
 * (PROTOCOL.md §11: the tokens a service got by exchanging this session's tokens).
 * Undefined when there was no live session of this user's to end; otherwise the
 * authorizations it ended.
 */
export async function revokeKeystore(
  deps: ChangeStores & { clock: Clock },
  userId: string,
  sessionId: string,
): Promise<string[] | undefined> {
  const now = deps.clock.now();
  return runInTransaction(deps, async (tx) => {
    if (!(await revokeKeySessionRow(tx, userId, sessionId, now))) return undefined;
    return revokeServiceLoginRows(tx, sessionId, now);
  });
}

/** A session as the account page lists it: never its key. */
export interface KeystoreSummary {
  session_id: string;
  created_at: string;
}

/** The user's live sessions, newest first. */
export async function listKeystores(db: Db, userId: string): Promise<KeystoreSummary[]> {
  return listLiveKeySessions(db, userId);
}

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeystoreFile } from '@signet/protocol';
import { type AuditOrigin, recordChange } from '../audit/service.js';
import type { Clock, Kv } from '../storage/kv/types.js';
import { announceChange } from '../storage/precompiled.js';
import type { Db } from '../storage/tables.js';
import { announceRevocations } from '../tokens/service.js';
import { revokeServiceLoginRows } from '../tokens/service-login.js';

/** The keystore file a user downloads (PROTOCOL.md §3): its schema is in @signet/protocol. */
export type Keystore = KeystoreFile;

/**
 * Makes a key pair, keeps only its public half, and hands the private half out once.
 * The session and its audit event are written together.
 */
export async function createKeystore(deps: { db: Db; clock: Clock }, userId: string, serverPublicKey: Buffer, origin: AuditOrigin = {}): Promise<Keystore> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const sessionId = randomUUID();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('key_sessions')
      .values({
        session_id: sessionId,
        user_id: userId,
        public_key: raw.toString('hex'),
        created_at: new Date(deps.clock.now()).toISOString(),
        revoked_at: null,
      })
      .execute();
    await recordChange({ db: trx, clock: deps.clock }, { type: 'keystore.created', userId, detail: { session_id: sessionId } }, origin);
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
export async function revokeKeystore(deps: { db: Db; clock: Clock; kv: Kv }, userId: string, sessionId: string): Promise<string[] | undefined> {
  const now = deps.clock.now();
  const ended = await deps.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('key_sessions')
      .set({ revoked_at: now })
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return revokeServiceLoginRows(trx, sessionId, now);
  });
  if (!ended) return undefined;
  await announceChange(deps, `session:${sessionId}`);
  await announceRevocations(deps, ended);
  return ended;
}

/** A session as the account page lists it: never its key. */
export interface KeystoreSummary {
  session_id: string;
  created_at: string;
}

/** The user's live sessions, newest first. */
export async function listKeystores(db: Db, userId: string): Promise<KeystoreSummary[]> {
  return db
    .selectFrom('key_sessions')
    .select(['session_id', 'created_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('session_id')
    .execute();
}

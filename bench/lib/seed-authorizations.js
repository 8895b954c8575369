// Stores `count` authorizations before the server starts, written straight into SQLite with
// better-sqlite3 (one transaction per batch: the server's own functions would take minutes
// for a million). Each row is shaped like a code redemption through the standard form with
// an `ed25519` key: the authorization with its bound key, one access token and one refresh
// token, for users who each hold a consent grant. `measured` of them, spread evenly through
// the store, get real key pairs and their refresh tokens are handed back; the rest get random
// 32-byte keys (never verified). Run as `node seed-authorizations.js <json>` with
// DATABASE_URL set; json: { count, measured, out, clientId, scope, ageMs? }.
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, statSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import sodium from 'sodium-native';
import { hashPassword } from '../../packages/server/dist/accounts/passwords.js';
import { lifetimes } from '../../packages/server/dist/context.js';
import { newTimedToken } from '../../packages/server/dist/tokens/opaque.js';

const BATCH = 50_000;
// authorizations per user (one per device and app): a million are spread over 100,000 users
const PER_USER = 10;

// ageMs > 0 writes the store as it was that long ago: past their lifetimes, its rows are the clean-up's
const { count, measured, out, clientId, scope, ageMs = 0 } = JSON.parse(process.argv[2]);
const path = process.env.DATABASE_URL.slice('file:'.length);
const started = performance.now();

// A throwaway database that nothing else has open yet: no journal, no fsync, no foreign-key
// lookups (every row written here points at rows written before it), and a page cache big
// enough for the whole file, so the random-key B-tree inserts stay in memory. The server
// finds it in WAL mode again, as it left it.
const sqlite = new BetterSqlite3(path);
sqlite.pragma('journal_mode = OFF');
sqlite.pragma('synchronous = OFF');
sqlite.pragma('foreign_keys = OFF');
sqlite.pragma('cache_size = -2097152');

const now = Date.now() - ageMs;
const nowIso = new Date(now).toISOString();
const insertUser = sqlite.prepare(
  `INSERT INTO users (user_id, kind, identity_number, username, username_key, password_hash, full_name, phone, avatar_url, biography, created_at)
   VALUES (?, 'user', ?, ?, ?, ?, ?, NULL, '', '', ?)`,
);
const insertGrant = sqlite.prepare(
  'INSERT INTO grants (user_id, client_id, scopes, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
);
const insertAuthorization = sqlite.prepare(
  `INSERT INTO authorizations (authorization_id, user_id, client_id, scopes, ed25519_public_key, created_at, accessed_at, expires_at, revoked_at)
   VALUES (?, ?, ?, ?, ?, ?, NULL, ?, NULL)`,
);
const insertAccessToken = sqlite.prepare(
  `INSERT INTO access_tokens (token_hash, client_id, user_id, authorization_id, scopes, created_at, expires_at, revoked_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
);
const insertRefreshToken = sqlite.prepare(
  'INSERT INTO refresh_tokens (token_hash, authorization_id, client_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, NULL)',
);

/** Users take identity numbers after the last one given, as the server's counter would. */
function seedUsers(userCount, passwordHash) {
  const first = sqlite.prepare("SELECT value FROM counters WHERE name = 'identity_number'").get().value + 1;
  const ids = new Array(userCount);
  for (let start = 0; start < userCount; start += BATCH) {
    sqlite.transaction(() => {
      for (let i = start; i < Math.min(start + BATCH, userCount); i++) {
        ids[i] = randomUUID();
        const username = `seed${i}`;
        insertUser.run(ids[i], String(first + i), username, username, passwordHash, `Seed ${i}`, nowIso);
        insertGrant.run(ids[i], clientId, scope, nowIso, nowIso);
      }
    })();
  }
  sqlite.prepare("UPDATE counters SET value = ? WHERE name = 'identity_number'").run(first + userCount - 1);
  return ids;
}

function realKeyPair() {
  const seed = randomBytes(32);
  const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES);
  sodium.crypto_sign_seed_keypair(publicKey, Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES), seed);
  return { seedHex: seed.toString('hex'), publicKeyHex: publicKey.toString('hex') };
}

/**
 * The secondary indexes of the tables filled here, dropped while they fill and made again
 * from their own stored definitions: one sort instead of millions of random inserts.
 */
function withoutSecondaryIndexes(tables, fill) {
  const indexes = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`,
    )
    .all(...tables);
  for (const { name } of indexes) sqlite.exec(`DROP INDEX "${name}"`);
  const result = fill();
  for (const { sql } of indexes) sqlite.exec(sql);
  return result;
}

// filler public keys drawn from one buffer per batch: a randomBytes call per row would cost more than the inserts
const KEY_BYTES = 32;

function seedAuthorizations(userIds) {
  const step = count / measured;
  const measuredAt = new Set(Array.from({ length: measured }, (_, k) => Math.floor(k * step)));
  const handed = [];
  for (let start = 0; start < count; start += BATCH) {
    const end = Math.min(start + BATCH, count);
    // per row: a filler public key; the tokens are made as the server makes them (newTimedToken)
    const pool = randomBytes((end - start) * KEY_BYTES);
    sqlite.transaction(() => {
      for (let i = start; i < end; i++) {
        const j = i - start;
        const authorizationId = randomUUID();
        const userId = userIds[i % userIds.length];
        const key = measuredAt.has(i)
          ? realKeyPair()
          : { publicKeyHex: pool.subarray(j * KEY_BYTES, (j + 1) * KEY_BYTES).toString('hex') };
        insertAuthorization.run(
          authorizationId,
          userId,
          clientId,
          scope,
          key.publicKeyHex,
          nowIso,
          now + lifetimes.authorizationMs,
        );
        insertAccessToken.run(
          newTimedToken(now).key,
          clientId,
          userId,
          authorizationId,
          scope,
          now,
          now + lifetimes.accessTokenMs,
        );
        const { token: refreshToken, key: refreshKey } = newTimedToken(now);
        insertRefreshToken.run(refreshKey, authorizationId, clientId, now, now + lifetimes.refreshTokenMs);
        if (key.seedHex) handed.push({ authorizationId, userId, seedHex: key.seedHex, refreshToken });
      }
    })();
  }
  return handed;
}

const passwordHash = await hashPassword(randomBytes(16).toString('hex'));
const { userIds, handed } = withoutSecondaryIndexes(
  ['users', 'grants', 'authorizations', 'access_tokens', 'refresh_tokens'],
  () => {
    const ids = seedUsers(Math.ceil(count / PER_USER), passwordHash);
    return { userIds: ids, handed: seedAuthorizations(ids) };
  },
);
sqlite.pragma('journal_mode = WAL');
sqlite.close();
// written without fsync: flush it now, so the kernel's write-back of a gigabyte does not
// run during the measurement that follows (it counts as seeding time)
const file = openSync(path, 'r+');
fsyncSync(file);
closeSync(file);
const rows = {
  users: userIds.length,
  grants: userIds.length,
  authorizations: count,
  access_tokens: count,
  refresh_tokens: count,
};
writeFileSync(
  out,
  JSON.stringify({ rows, measured: handed, seconds: (performance.now() - started) / 1000, bytes: statSync(path).size }),
);

// Mints authorization codes with PKCE the way the server does, before it starts: the user's
// consent grant (recordGrant) and each code (issueCode) through the built server's own functions,
// on the same database. Run as `node seed-codes.js <json>`, with DATABASE_URL set; writes
// `[code, code_verifier]` pairs to `out`. json: { count, out, clientId, userId, redirectUri, scope }.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { recordGrant } from '../../packages/server/dist/consent/grants.js';
import { issueCode } from '../../packages/server/dist/oauth/codes.js';
import { loadConfig } from '../../packages/server/dist/config/load.js';
import { openKeysSealer } from '../../packages/server/dist/keys/keys-secret.js';
import { openDatabase } from '../../packages/server/dist/storage/database.js';
import { systemClock as clock } from '../../packages/server/dist/storage/kv/types.js';
import { newOpaqueToken } from '../../packages/server/dist/tokens/opaque.js';

const BATCH = 5_000;
const { count, out, clientId, userId, redirectUri, scope } = JSON.parse(process.argv[2]);
const config = loadConfig(process.env);
const storage = await openDatabase(config.databaseUrl, { sealer: (await openKeysSealer(config)).sealer });
try {
  // what the consent page records before the first code
  await recordGrant({ db: storage.db, clock }, userId, clientId, [scope]);
  const pairs = [];
  while (pairs.length < count) {
    const size = Math.min(BATCH, count - pairs.length);
    await storage.db.transaction().execute(async (trx) => {
      for (let i = 0; i < size; i++) {
        // a client's PKCE pair (RFC 7636 §4.1-4.2): 32 random bytes as the verifier, S256 challenge
        const verifier = newOpaqueToken(32);
        const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
        const { code } = await issueCode(
          { db: trx, clock },
          {
            clientId,
            userId,
            redirectUri,
            redirectUriSent: redirectUri,
            codeChallenge: challenge,
            scopes: [scope],
          },
        );
        pairs.push([code, verifier]);
      }
    });
  }
  writeFileSync(out, JSON.stringify(pairs));
} finally {
  await storage.close();
}

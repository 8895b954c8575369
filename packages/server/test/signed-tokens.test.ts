import { randomBytes, randomUUID } from 'node:crypto';
import { signAccessToken } from '@mixin.dev/mixin-node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Keystore, createKeystore, revokeKeystore } from '../src/accounts/keystores.js';
import { createUser } from '../src/accounts/service.js';
import { createApp } from '../src/apps/service.js';
import { MemoryKv } from '../src/storage/kv/memory.js';
import { CACHE_TTL_MS } from '../src/storage/hot-reads.js';
import type { Db } from '../src/storage/tables.js';
import { revokeAuthorization } from '../src/tokens/service.js';
import type { TokenFailure } from '../src/errors/oauth.js';
import {
  type SignedPrincipal,
  type SignedRequestParts,
  type SignedTokenDeps,
  verifySignedToken,
} from '../src/tokens/signed.js';
import { type TestDatabase, openTestDatabase } from './backends.js';
import { TestClock, sleep } from './clock.js';
import { jsonSegment, sessionClaims, sigFor, signJws, signJwsInput } from './signing.js';

const EDDSA = { alg: 'EdDSA', typ: 'JWT' };

describe('request-signed tokens', () => {
  let database: TestDatabase;
  let deps: SignedTokenDeps;
  let db: Db;
  let keystore: Keystore;
  let other: Keystore;
  const clock = new TestClock(Date.now());
  const now = () => Math.floor(clock.now() / 1000);
  const get = (target = '/me', requestId?: string): SignedRequestParts => ({
    method: 'GET',
    target,
    body: '',
    requestId,
  });

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.storage.db;
    deps = { hot: database.storage.hot, kv: new MemoryKv(clock), clock, maxAgeSeconds: 600 };
    const user = await createUser({ db: db, clock }, { username: 'signer', password: 'long enough' });
    const otherUser = await createUser({ db: db, clock }, { username: 'other', password: 'long enough' });
    keystore = await createKeystore({ db: db, clock }, user.user_id, randomBytes(32));
    other = await createKeystore({ db: db, clock }, otherUser.user_id, randomBytes(32));
  });
  afterAll(async () => database?.cleanup());

  async function refusal(token: string, request: SignedRequestParts): Promise<TokenFailure | 'accepted'> {
    const verdict = await verifySignedToken(deps, token, request);
    return verdict.ok ? 'accepted' : verdict.reason;
  }

  /** The principal of a token that must be accepted. */
  async function accepted(
    token: string,
    request: SignedRequestParts,
    options?: { audience?: string },
  ): Promise<SignedPrincipal> {
    const verdict = await verifySignedToken(deps, token, request, options);
    if (!verdict.ok) throw new Error(`refused (${verdict.reason}): ${verdict.detail}`);
    return verdict.principal;
  }

  it('accepts a session token signed by the real Mixin SDK, with its X-Request-Id, once', async () => {
    const requestId = randomUUID();
    const token = signAccessToken('GET', '/me', '', requestId, keystore);
    const principal = await accepted(token, get('/me', requestId));
    expect(principal).toMatchObject({
      kind: 'session',
      userId: keystore.user_id,
      sessionId: keystore.session_id,
      full: true,
    });
    expect(await refusal(token, get('/me', requestId))).toBe('replay');
  });

  it('hashes the raw body of a POST exactly as the SDK signs it', async () => {
    const requestId = randomUUID();
    const body = { authorization_id: randomUUID(), scopes: ['PROFILE:READ'] };
    const token = signAccessToken('POST', '/oauth/authorize', body, requestId, keystore);
    const request = { method: 'POST', target: '/oauth/authorize', body: JSON.stringify(body), requestId };
    expect((await accepted(token, request)).kind).toBe('session');
  });

  it('accepts any claim order and a missing typ, since it checks the raw segments', async () => {
    const claims = sessionClaims(keystore, 'GET', '/me', '', now());
    const reordered = Object.fromEntries(Object.entries(claims).reverse());
    expect(await refusal(signJws({ alg: 'EdDSA' }, reordered, keystore.session_private_key), get())).toBe('accepted');
  });

  it('accepts the path alone as the signed target (a Go client signs that)', async () => {
    const token = signJws(
      EDDSA,
      { ...sessionClaims(keystore, 'GET', '/snapshots', '', now()) },
      keystore.session_private_key,
    );
    expect(await refusal(token, get('/snapshots?limit=10'))).toBe('accepted');
  });

  it.each([
    ['another method', 'POST', '/me', ''],
    ['another path', 'GET', '/assets', ''],
    ['another query', 'GET', '/snapshots?limit=1', ''],
    ['another body', 'GET', '/me', '{"x":1}'],
  ])('refuses a sig made for %s', async (_what, method, target, body) => {
    const token = signJws(EDDSA, sessionClaims(keystore, method, target, body, now()), keystore.session_private_key);
    expect(await refusal(token, get('/snapshots?limit=10'))).toBe('sig');
  });

  it('refuses a request id that differs from jti, and a jti that is not a UUID', async () => {
    const claims = sessionClaims(keystore, 'GET', '/me', '', now());
    expect(await refusal(signJws(EDDSA, claims, keystore.session_private_key), get('/me', randomUUID()))).toBe('jti');
    expect(await refusal(signJws(EDDSA, { ...claims, jti: 'abc' }, keystore.session_private_key), get())).toBe('jti');
  });

  it.each([['none'], ['HS256'], ['RS256'], ['ES256'], [undefined]])('refuses alg %s', async (alg) => {
    const token = signJws(
      { alg, typ: 'JWT' },
      sessionClaims(keystore, 'GET', '/me', '', now()),
      keystore.session_private_key,
    );
    expect(await refusal(token, get())).toBe('alg');
  });

  it('refuses an unsigned token (alg none with an empty signature)', async () => {
    const token = signJws(
      { alg: 'none' },
      sessionClaims(keystore, 'GET', '/me', '', now()),
      keystore.session_private_key,
    );
    expect(await refusal(`${token.split('.').slice(0, 2).join('.')}.`, get())).not.toBe('accepted');
  });

  it('refuses a typ other than JWT', async () => {
    const token = signJws(
      { alg: 'EdDSA', typ: 'JOSE+JSON' },
      sessionClaims(keystore, 'GET', '/me', '', now()),
      keystore.session_private_key,
    );
    expect(await refusal(token, get())).toBe('typ');
  });

  it('refuses a well-signed token only a lenient parser reads: crit, b64 false, a non-canonical segment, a repeated name', async () => {
    const seed = keystore.session_private_key;
    // JSON whose base64url ends in a character with unused bits (its length is no multiple of 3)
    const padded = (value: unknown) => {
      const json = JSON.stringify(value);
      return json.length % 3 === 0 ? `${json} ` : json;
    };
    const header = padded(EDDSA);
    const payload = () => padded(sessionClaims(keystore, 'GET', '/me', '', now()));
    const signed = (headerJson: string, payloadJson: string) =>
      signJwsInput(`${jsonSegment(headerJson)}.${jsonSegment(payloadJson)}`, seed);
    // the last character with its lowest (unused) bit set: the same bytes, spelled another way
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respell = (segment: string) => segment.slice(0, -1) + ALPHABET[ALPHABET.indexOf(segment.slice(-1)) | 1];
    const respelled = (index: number) => {
      const parts = signed(header, payload()).split('.');
      parts[index] = respell(parts[index] ?? '');
      // header and payload are signed as received: sign the respelled text itself
      return index === 2 ? parts.join('.') : signJwsInput(parts.slice(0, 2).join('.'), seed);
    };
    expect(await refusal(signed(header, payload()), get()), 'the same construction, nothing wrong').toBe('accepted');
    const cases: [string, string][] = [
      [
        'an unknown crit',
        signJws(
          { ...EDDSA, crit: ['urn:example:ext'], 'urn:example:ext': 1 },
          sessionClaims(keystore, 'GET', '/me', '', now()),
          seed,
        ),
      ],
      ['b64 false', signJws({ ...EDDSA, b64: false }, sessionClaims(keystore, 'GET', '/me', '', now()), seed)],
      [
        'b64 false named in crit',
        signJws({ ...EDDSA, b64: false, crit: ['b64'] }, sessionClaims(keystore, 'GET', '/me', '', now()), seed),
      ],
      ['a non-canonical header', respelled(0)],
      ['a non-canonical payload', respelled(1)],
      ['a non-canonical signature', respelled(2)],
      ['alg twice in the header', signed('{"alg":"none","typ":"JWT","alg":"EdDSA"}', payload())],
      ['uid twice in the payload', signed(header, `{"uid":"${other.user_id}",${payload().slice(1)}`)],
    ];
    for (const [what, token] of cases) expect(await refusal(token, get()), what).toBe('malformed');
  });

  it('refuses a token signed with another key', async () => {
    const token = signJws(EDDSA, sessionClaims(keystore, 'GET', '/me', '', now()), other.session_private_key);
    expect(await refusal(token, get())).toBe('signature');
  });

  it('refuses a session that belongs to another user', async () => {
    const token = signJws(
      EDDSA,
      { ...sessionClaims(keystore, 'GET', '/me', '', now()), uid: other.user_id },
      keystore.session_private_key,
    );
    expect(await refusal(token, get())).toBe('session');
  });

  it('refuses a session token whose scp is not FULL', async () => {
    const token = signJws(
      EDDSA,
      { ...sessionClaims(keystore, 'GET', '/me', '', now()), scp: 'PROFILE:READ' },
      keystore.session_private_key,
    );
    expect(await refusal(token, get())).toBe('scp');
  });

  it('refuses expired tokens, tokens from the future and tokens too old', async () => {
    const base = sessionClaims(keystore, 'GET', '/me', '', now());
    expect(await refusal(signJws(EDDSA, { ...base, exp: now() - 1 }, keystore.session_private_key), get())).toBe(
      'expired',
    );
    expect(
      await refusal(
        signJws(EDDSA, { ...base, jti: randomUUID(), iat: now() + 120 }, keystore.session_private_key),
        get(),
      ),
    ).toBe('iat');
    expect(
      await refusal(
        signJws(EDDSA, { ...base, jti: randomUUID(), iat: now() - 601 }, keystore.session_private_key),
        get(),
      ),
    ).toBe('iat');
    // the edges are inside the window
    expect(
      await refusal(
        signJws(EDDSA, { ...base, jti: randomUUID(), iat: now() + 59 }, keystore.session_private_key),
        get(),
      ),
    ).toBe('accepted');
    expect(
      await refusal(
        signJws(EDDSA, { ...base, jti: randomUUID(), iat: now() - 599 }, keystore.session_private_key),
        get(),
      ),
    ).toBe('accepted');
  });

  it('keeps a jti used until the window closes, then forgets it', async () => {
    const claims = sessionClaims(keystore, 'GET', '/me', '', now());
    const token = signJws(EDDSA, { ...claims, exp: now() + 90 * 86400 }, keystore.session_private_key);
    expect(await refusal(token, get())).toBe('accepted');
    clock.advance(300_000);
    expect(await refusal(token, get())).toBe('replay');
  });

  it('keeps a jti spent until its token can no longer be accepted, even one whose iat is ahead', async () => {
    const start = now();
    const token = signJws(
      EDDSA,
      { ...sessionClaims(keystore, 'GET', '/me', '', start), iat: start + 60 },
      keystore.session_private_key,
    );
    expect(await refusal(token, get())).toBe('accepted');
    // the last acceptable second: iat + maxAge, 660 s after first use
    clock.advance((start + 660) * 1000 + 999 - clock.now());
    expect(await refusal(token, get())).toBe('replay');
    clock.advance(1);
    expect(await refusal(token, get())).toBe('iat');
  });

  it('refuses a token minted for a service (aud) before spending its jti; the exchange for that service takes it', async () => {
    const claims = { ...sessionClaims(keystore, 'GET', '/me', '', now()), aud: 'service-client-id' };
    const token = signJws(EDDSA, claims, keystore.session_private_key);
    expect(await refusal(token, get())).toBe('aud');
    const principal = await accepted(token, get(), { audience: 'service-client-id' });
    expect(principal).toMatchObject({ kind: 'session', audience: 'service-client-id' });
    expect(await refusal(signJws(EDDSA, { ...claims, jti: randomUUID() }, keystore.session_private_key), get())).toBe(
      'aud',
    );
  });

  it('refuses a revoked session', async () => {
    const user = await createUser({ db: db, clock }, { username: 'revoked', password: 'long enough' });
    const gone = await createKeystore({ db: db, clock }, user.user_id, randomBytes(32));
    expect(
      await refusal(signJws(EDDSA, sessionClaims(gone, 'GET', '/me', '', now()), gone.session_private_key), get()),
    ).toBe('accepted');
    await revokeKeystore({ db, hot: deps.hot, clock, kv: deps.kv }, user.user_id, gone.session_id);
    expect(
      await refusal(signJws(EDDSA, sessionClaims(gone, 'GET', '/me', '', now()), gone.session_private_key), get()),
    ).toBe('session');
  });

  describe('OAuth tokens', () => {
    let seed: string;
    let clientId: string;
    let authorizationId: string;
    const oauthClaims = (scp: string, target = '/me') => ({
      iss: clientId,
      aid: authorizationId,
      iat: now(),
      exp: now() + 3600,
      jti: randomUUID(),
      sig: sigFor('GET', target),
      scp,
    });

    beforeAll(async () => {
      const { app } = await createApp({ db: db, clock }, { ownerId: keystore.user_id, name: 'Reader' });
      clientId = app.client_id;
      seed = randomBytes(32).toString('hex');
      const { createPublicKey, createPrivateKey } = await import('node:crypto');
      const priv = createPrivateKey({
        key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed, 'hex')]),
        format: 'der',
        type: 'pkcs8',
      });
      const publicHex = Buffer.from(createPublicKey(priv).export({ format: 'jwk' }).x ?? '', 'base64url').toString(
        'hex',
      );
      authorizationId = randomUUID();
      await db
        .insertInto('authorizations')
        .values({
          authorization_id: authorizationId,
          user_id: other.user_id,
          client_id: clientId,
          scopes: 'PROFILE:READ ASSETS:READ',
          ed25519_public_key: publicHex,
          created_at: new Date(clock.now()).toISOString(),
          accessed_at: null,
          expires_at: clock.now() + 86_400_000,
          revoked_at: null,
        })
        .execute();
    });

    it('acts for the authorizing user with scp ∩ granted scopes', async () => {
      const principal = await accepted(signJws(EDDSA, oauthClaims('PROFILE:READ PHONE:READ ASSETS:READ'), seed), get());
      expect(principal).toMatchObject({ kind: 'oauth', userId: other.user_id, clientId, authorizationId, full: false });
      expect(principal.scopes).toEqual(['PROFILE:READ', 'ASSETS:READ']);
    });

    it('refuses an authorization of another app, another key, and a token with aud', async () => {
      expect(await refusal(signJws(EDDSA, { ...oauthClaims('PROFILE:READ'), iss: randomUUID() }, seed), get())).toBe(
        'authorization',
      );
      expect(await refusal(signJws(EDDSA, oauthClaims('PROFILE:READ'), keystore.session_private_key), get())).toBe(
        'signature',
      );
      expect(await refusal(signJws(EDDSA, { ...oauthClaims('PROFILE:READ'), aud: clientId }, seed), get())).toBe('aud');
    });

    it('refuses a revoked authorization on the next request', async () => {
      expect(await refusal(signJws(EDDSA, oauthClaims('PROFILE:READ'), seed), get())).toBe('accepted');
      await revokeAuthorization({ db, hot: deps.hot, kv: deps.kv, clock }, authorizationId);
      expect(await refusal(signJws(EDDSA, oauthClaims('PROFILE:READ'), seed), get())).toBe('revoked');
    });

    it('refuses a revocation made behind its back (another process) once the cached read has expired', async () => {
      // restored as if nothing happened (the announcement stood in for by forgetting here)
      await db
        .updateTable('authorizations')
        .set({ revoked_at: null })
        .where('authorization_id', '=', authorizationId)
        .execute();
      database.storage.hot.forgetAll();
      expect(await refusal(signJws(EDDSA, oauthClaims('PROFILE:READ'), seed), get())).toBe('accepted');
      await db
        .updateTable('authorizations')
        .set({ revoked_at: clock.now() })
        .where('authorization_id', '=', authorizationId)
        .execute();
      // no announcement reached this process: only the cache's lifetime bounds how long it is believed
      await sleep(CACHE_TTL_MS + 50);
      expect(await refusal(signJws(EDDSA, oauthClaims('PROFILE:READ'), seed), get())).toBe('revoked');
    });
  });
});

// Request-signed tokens (PROTOCOL.md §9), session and OAuth, signed with sodium-native and
// made ahead of the load so that the load generator only picks the next one: every request
// carries its own jti.
import { createHash, randomUUID } from 'node:crypto';
import sodium from 'sodium-native';

const b64url = (value) => Buffer.from(value).toString('base64url');

/** An ed25519 signer from a keystore's hex seed. */
export function signerFromSeed(seedHex) {
  const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES);
  const secretKey = Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES);
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, Buffer.from(seedHex, 'hex'));
  const signature = Buffer.alloc(sodium.crypto_sign_BYTES);
  return {
    publicKey,
    sign(input) {
      sodium.crypto_sign_detached(signature, Buffer.from(input), secretKey);
      return signature.toString('base64url');
    },
  };
}

/** `sig`: sha256 of method + request target + raw body, hex. */
export function sigFor(method, target, body = '') {
  return createHash('sha256')
    .update(method.toUpperCase() + target + body)
    .digest('hex');
}

function signedToken(who, signer, method, target, nowSeconds) {
  const jti = randomUUID();
  const header = b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }));
  const claims = { ...who, iat: nowSeconds, exp: nowSeconds + 3600, jti, sig: sigFor(method, target) };
  const input = `${header}.${b64url(JSON.stringify(claims))}`;
  return { jti, token: `${input}.${signer.sign(input)}` };
}

/** One session token (a user as itself, scp FULL) for `method target`, with its jti. */
export function sessionToken(keystore, signer, method, target, nowSeconds = Math.floor(Date.now() / 1000)) {
  return signedToken(
    { uid: keystore.user_id, sid: keystore.session_id, scp: 'FULL' },
    signer,
    method,
    target,
    nowSeconds,
  );
}

/**
 * One OAuth token (an app for a user, PROTOCOL.md §9): iss = the client, aid = an
 * authorization whose bound key is the signer's.
 */
export function oauthToken(
  { clientId, authorizationId, scope },
  signer,
  method,
  target,
  nowSeconds = Math.floor(Date.now() / 1000),
) {
  return signedToken({ iss: clientId, aid: authorizationId, scp: scope }, signer, method, target, nowSeconds);
}

/** `count` fresh tokens for `GET target`, as parallel arrays. */
export function sessionTokens(keystore, seedHex, target, count) {
  const signer = signerFromSeed(seedHex);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const tokens = new Array(count);
  const jtis = new Array(count);
  for (let i = 0; i < count; i++) {
    const made = sessionToken(keystore, signer, 'GET', target, nowSeconds);
    tokens[i] = made.token;
    jtis[i] = made.jti;
  }
  return { tokens, jtis };
}

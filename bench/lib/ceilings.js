// Raw ed25519 verifies per second on one core: sodium-native (the hot path) and node:crypto.
import { createPublicKey, verify } from 'node:crypto';
import sodium from 'sodium-native';

// DER prefix of an SPKI-wrapped raw ed25519 public key (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Calls `once` in a tight loop for about `seconds`; returns calls per second. */
function rate(once, seconds) {
  const batch = 500;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let calls = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) if (!once()) throw new Error('a valid signature failed to verify');
    calls += batch;
    elapsed = process.hrtime.bigint() - start;
  }
  return calls / (Number(elapsed) / 1e9);
}

/** A compact JWS's signing input (`header.payload`) and its signature's bytes, as a verify takes them. */
export function signedParts(token) {
  const dot = token.lastIndexOf('.');
  return { message: Buffer.from(token.slice(0, dot)), signature: Buffer.from(token.slice(dot + 1), 'base64url') };
}

/** Verifies one real token's signature over and over: message = its signing input. */
export function verifyCeilings(token, publicKey, seconds = 2) {
  const { message, signature } = signedParts(token);
  const keyObject = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  const sodiumRate = rate(() => sodium.crypto_sign_verify_detached(signature, message, publicKey), seconds);
  const nodeRate = rate(() => verify(null, message, keyObject, signature), seconds);
  return { sodium: sodiumRate, nodeCrypto: nodeRate, messageBytes: message.length };
}

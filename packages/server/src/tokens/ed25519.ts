import sodium from 'sodium-native';

/** A Buffer over the same memory (no copy): sodium-native's types take Buffers. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Verifies an ed25519 signature with a raw 32-byte public key. libsodium rather than
 * node:crypto: it runs on every API request, and it needs no SPKI wrapping or key
 * object per call (ARCHITECTURE.md measured it at twice node:crypto's rate).
 */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  // sodium throws on wrong lengths; a malformed token is a refusal, not a fault
  if (publicKey.length !== sodium.crypto_sign_PUBLICKEYBYTES || signature.length !== sodium.crypto_sign_BYTES)
    return false;
  return sodium.crypto_sign_verify_detached(asBuffer(signature), asBuffer(message), asBuffer(publicKey));
}

import sodium from 'sodium-native';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyEd25519 } from './ed25519.js';
import { VerifyThread } from './verify-thread.js';

function keyPair(): { publicKey: Buffer; secretKey: Buffer } {
  const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES);
  const secretKey = Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES);
  sodium.crypto_sign_keypair(publicKey, secretKey);
  return { publicKey, secretKey };
}

function sign(message: Buffer, secretKey: Buffer): Buffer {
  const signature = Buffer.alloc(sodium.crypto_sign_BYTES);
  sodium.crypto_sign_detached(signature, message, secretKey);
  return signature;
}

describe('signature verification on its own thread', () => {
  const thread = new VerifyThread();
  afterAll(() => thread.close());
  const alice = keyPair();
  const mallory = keyPair();

  /** valid, and four ways to be wrong, each several times, all sent in one turn */
  function cases(): { publicKey: Buffer; message: Buffer; signature: Buffer; expected: boolean }[] {
    const list = [];
    for (let i = 0; i < 40; i++) {
      const message = Buffer.from(`eyJhbGciOiJFZERTQSJ9.payload-${i}-${'x'.repeat(i * 7)}`);
      const signature = sign(message, alice.secretKey);
      list.push({ publicKey: alice.publicKey, message, signature, expected: true });
      list.push({ publicKey: alice.publicKey, message: Buffer.concat([message, Buffer.from('!')]), signature, expected: false });
      list.push({ publicKey: mallory.publicKey, message, signature, expected: false });
      list.push({ publicKey: alice.publicKey, message, signature: sign(message, mallory.secretKey), expected: false });
      list.push({ publicKey: alice.publicKey, message, signature: signature.subarray(0, 63), expected: false });
    }
    return list;
  }

  it('answers each check of a batch as the inline check does', async () => {
    const list = cases();
    const answers = await Promise.all(list.map(({ publicKey, message, signature }) => thread.verify(publicKey, message, signature)));
    expect(answers).toEqual(list.map((check) => check.expected));
    expect(answers).toEqual(list.map(({ publicKey, message, signature }) => verifyEd25519(publicKey, message, signature)));
    // wrong lengths never reach the thread
    expect(thread.checkedOnThread).toBe(list.filter((check) => check.signature.length === 64).length);
  });

  it('answers inline, the same way, once the thread is gone', async () => {
    const gone = new VerifyThread();
    await gone.close();
    const list = cases();
    const answers = await Promise.all(list.map(({ publicKey, message, signature }) => gone.verify(publicKey, message, signature)));
    expect(answers).toEqual(list.map((check) => check.expected));
    expect(gone.checkedOnThread).toBe(0);
  });
});

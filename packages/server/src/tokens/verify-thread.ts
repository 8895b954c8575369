import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import sodium from 'sodium-native';
import { TurnBatches } from '../storage/turn-batches.js';
import { type SignatureVerifier, verifyEd25519 } from './ed25519.js';

/*
 * Every request-signed API call costs one ed25519 verification, about 40 µs: more than the
 * rest of the request put together. A verification needs nothing from the event loop, so
 * the signatures of one turn go to a thread of their own as one message, and the event
 * loop serves other requests meanwhile. The thread runs libsodium exactly as the inline
 * path does; if it fails, verification falls back to the inline path for good.
 */

const PUBLIC_KEY_BYTES = sodium.crypto_sign_PUBLICKEYBYTES;
const SIGNATURE_BYTES = sodium.crypto_sign_BYTES;
const HEADER_BYTES = PUBLIC_KEY_BYTES + SIGNATURE_BYTES + 4;

interface Check {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

// CommonJS, evaluated in the thread: each item is [public key][signature][u32 length][message]
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.sodiumPath);
parentPort.on('message', ({ id, packed, count }) => {
  const bytes = Buffer.from(packed);
  const results = new Uint8Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const publicKey = bytes.subarray(at, at + ${PUBLIC_KEY_BYTES});
    const signature = bytes.subarray(at + ${PUBLIC_KEY_BYTES}, at + ${PUBLIC_KEY_BYTES + SIGNATURE_BYTES});
    const length = bytes.readUInt32BE(at + ${PUBLIC_KEY_BYTES + SIGNATURE_BYTES});
    const message = bytes.subarray(at + ${HEADER_BYTES}, at + ${HEADER_BYTES} + length);
    results[i] = sodium.crypto_sign_verify_detached(signature, message, publicKey) ? 1 : 0;
    at += ${HEADER_BYTES} + length;
  }
  parentPort.postMessage({ id, results }, [results.buffer]);
});
`;

function pack(checks: Check[]): ArrayBuffer {
  const total = checks.reduce((sum, check) => sum + HEADER_BYTES + check.message.length, 0);
  const bytes = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const { publicKey, signature, message } of checks) {
    bytes.set(publicKey, at);
    bytes.set(signature, at + PUBLIC_KEY_BYTES);
    bytes.writeUInt32BE(message.length, at + PUBLIC_KEY_BYTES + SIGNATURE_BYTES);
    bytes.set(message, at + HEADER_BYTES);
    at += HEADER_BYTES + message.length;
  }
  return bytes.buffer;
}

/** Verifies ed25519 signatures on a thread of its own, a turn's worth at a time. */
export class VerifyThread implements SignatureVerifier {
  private worker: Worker | undefined;
  private nextId = 0;
  /** how many checks the thread has answered (the rest were answered inline) */
  checkedOnThread = 0;
  private readonly waiting = new Map<number, { resolve(results: Uint8Array): void; reject(error: unknown): void }>();
  private readonly batches = new TurnBatches<Check, boolean>((checks) => this.verifyAll(checks));

  constructor() {
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { sodiumPath: createRequire(import.meta.url).resolve('sodium-native') } });
    // the thread must not keep a finished process (or a test run) alive
    worker.unref();
    worker.on('message', ({ id, results }: { id: number; results: Uint8Array }) => {
      this.waiting.get(id)?.resolve(results);
      this.waiting.delete(id);
    });
    worker.on('error', (error) => this.abandon(error));
    worker.on('exit', (code) => this.abandon(new Error(`the verification thread exited (${code})`)));
    this.worker = worker;
  }

  /** Same answer as verifyEd25519. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    // wrong lengths are refused here, as inline: the packing assumes the exact sizes
    if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return Promise.resolve(false);
    if (!this.worker) return Promise.resolve(verifyEd25519(publicKey, message, signature));
    return this.batches.add({ publicKey, message, signature });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private async verifyAll(checks: Check[]): Promise<boolean[]> {
    const worker = this.worker;
    if (!worker) return checks.map(({ publicKey, message, signature }) => verifyEd25519(publicKey, message, signature));
    const id = this.nextId++;
    const packed = pack(checks);
    try {
      const results = await new Promise<Uint8Array>((resolve, reject) => {
        this.waiting.set(id, { resolve, reject });
        worker.postMessage({ id, packed, count: checks.length }, [packed]);
      });
      this.checkedOnThread += checks.length;
      return checks.map((_, i) => results[i] === 1);
    } catch {
      // the thread died with this batch in it: answer inline
      return checks.map(({ publicKey, message, signature }) => verifyEd25519(publicKey, message, signature));
    }
  }

  /** The thread is gone: every waiting batch is answered inline, and so is everything after. */
  private abandon(error: unknown): void {
    this.worker = undefined;
    for (const pending of this.waiting.values()) pending.reject(error);
    this.waiting.clear();
  }
}

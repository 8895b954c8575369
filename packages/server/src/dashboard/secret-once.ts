import { UnsealError, createSealer } from '../keys/sealer.js';
import type { Kv } from '../storage/kv/types.js';
import { sha256Hex } from '../tokens/opaque.js';

/**
 * A new client secret travels from the POST that made it to the page that shows it
 * through a single-use kv entry bound to this browser: never in a URL (history, logs,
 * Referer), and the page that takes it is the only one that ever shows it.
 *
 * The entry is sealed (keys/sealer.ts) under a key derived from the browser's id, which
 * only the browser's cookie carries (the entry's name and the sessions table hold its
 * SHA-256): whoever reads the kv, a Redis dump say, cannot open it, even with KEYS_SECRET,
 * and only a request carrying that cookie can. `browserId` is that cookie's id
 * (plugins/web-session.ts).
 */
const TTL_MS = 5 * 60 * 1000;

function entry(id: string, clientId: string) {
  return {
    key: `dashboard:secret:${sha256Hex(id)}:${clientId}`,
    sealer: createSealer(id),
    slot: `dashboard:client_secret:${clientId}`,
  };
}

export function stashSecret(kv: Kv, browserId: string, clientId: string, secret: string): Promise<void> {
  const { key, sealer, slot } = entry(browserId, clientId);
  return kv.set(key, sealer.seal(slot, secret), TTL_MS);
}

export async function takeSecret(kv: Kv, browserId: string, clientId: string): Promise<string | null> {
  const { key, sealer, slot } = entry(browserId, clientId);
  const sealed = await kv.getAndDelete(key);
  if (sealed === null) return null;
  try {
    return sealer.open(slot, sealed);
  } catch (error) {
    // an entry from before sealing (a deploy within its five minutes): the developer rotates again
    if (error instanceof UnsealError) return null;
    throw error;
  }
}

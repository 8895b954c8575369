import type { FastifyRequest } from 'fastify';
import type { Kv } from '../storage/kv/types.js';
import { browserId } from '../plugins/web-session.js';
import { sha256Hex } from '../tokens/opaque.js';

/**
 * A new client secret travels from the POST that made it to the page that shows it
 * through a single-use kv entry bound to this browser: never in a URL (history, logs,
 * Referer), and the page that takes it is the only one that ever shows it.
 */
const TTL_MS = 5 * 60 * 1000;

function key(request: FastifyRequest, clientId: string): string {
  return `dashboard:secret:${sha256Hex(browserId(request))}:${clientId}`;
}

export function stashSecret(kv: Kv, request: FastifyRequest, clientId: string, secret: string): Promise<void> {
  return kv.set(key(request, clientId), secret, TTL_MS);
}

export function takeSecret(kv: Kv, request: FastifyRequest, clientId: string): Promise<string | null> {
  return kv.getAndDelete(key(request, clientId));
}

import type { Config } from './config/schema.js';
import type { ScopeRegistry } from './consent/scopes.js';
import type { Metrics } from './metrics/metrics.js';
import type { Storage } from './storage/database.js';
import type { HotReads } from './storage/hot-reads.js';
import type { Clock, Kv } from './storage/kv/types.js';
import type { Db } from './storage/tables.js';

/** What every route module receives: configuration and the stores, never globals. */
export interface RouteContext {
  config: Config;
  storage: Storage;
  db: Db;
  /** the storage's precompiled reads and their cache (storage.hot) */
  hot: HotReads;
  kv: Kv;
  clock: Clock;
  scopes: ScopeRegistry;
  /** counters the domain code moves (tokens issued, tokens refused); rendered at GET /metrics */
  metrics: Metrics;
}

/** Default lifetimes (PROTOCOL.md §7). */
export const lifetimes = {
  accessTokenMs: 60 * 60 * 1000,
  refreshTokenMs: 30 * 24 * 60 * 60 * 1000,
  authorizationMs: 365 * 24 * 60 * 60 * 1000,
  webSessionMs: 14 * 24 * 60 * 60 * 1000,
  deviceRequestMs: 5 * 60 * 1000,
} as const;

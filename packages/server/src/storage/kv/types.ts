export type Unsubscribe = () => Promise<void>;

/**
 * The small key-value store behind the replay cache, rate limits, single-use records
 * and cross-instance notifications. Every operation is atomic on every backend:
 * callers decide on its answer, never on a read followed by a write.
 */
export interface Kv {
  /** Stores the value unless a live entry exists; true when this call stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Spends a request id (a UUID, in any case) for `ttlMs`: true for the one call that spent it.
   * The replay cache of request-signed tokens; throws if the id is not a UUID.
   */
  spendRequestId(id: string, ttlMs: number): Promise<boolean>;
  /** Stores the value, replacing any entry. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | null>;
  /** Removes the entry and returns what it held; exactly one concurrent caller gets it. */
  getAndDelete(key: string): Promise<string | null>;
  /** Adds one and returns the new count; the TTL starts with the first increment. */
  increment(key: string, ttlMs: number): Promise<number>;
  delete(key: string): Promise<void>;
  /** Delivers the message to every subscriber of the channel, in every instance. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is live, so a publish after it is seen. */
  subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export type Clock = { now(): number };
export const systemClock: Clock = { now: () => Date.now() };

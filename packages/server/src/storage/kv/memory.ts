import { requestIdKey } from './request-ids.js';
import { Subscribers } from './subscribers.js';
import { type Clock, type Kv, type Unsubscribe, systemClock } from './types.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** One process only: for tests and single-instance deployments that need no durability. */
export class MemoryKv implements Kv {
  private readonly entries = new Map<string, Entry>();
  private readonly subscribers = new Subscribers();

  constructor(private readonly clock: Clock = systemClock) {}

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    return true;
  }

  async spendRequestId(id: string, ttlMs: number): Promise<boolean> {
    return this.setIfAbsent(requestIdKey(id), '1', ttlMs);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async getAndDelete(key: string): Promise<string | null> {
    const entry = this.live(key);
    this.entries.delete(key);
    return entry?.value ?? null;
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const entry = this.live(key);
    const count = entry ? Number(entry.value) + 1 : 1;
    this.entries.set(key, { value: String(count), expiresAt: entry?.expiresAt ?? this.clock.now() + ttlMs });
    return count;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async publish(channel: string, message: string): Promise<void> {
    // asynchronous like the other backends, so callers cannot rely on synchronous delivery
    queueMicrotask(() => this.subscribers.deliver(channel, message));
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    const { remove } = this.subscribers.add(channel, handler);
    return async () => {
      remove();
    };
  }

  async close(): Promise<void> {
    this.subscribers.clear();
    this.entries.clear();
  }
}

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KvBackend, type TestKv, kvBackends } from '../../../test/backends.js';
import { TestClock, eventually, sleep } from '../../../test/clock.js';
import type { Kv } from './types.js';

// One conformance suite for every kv backend: memory, SQL (SQLite, PostgreSQL) and Redis.
describe.each(kvBackends)('kv conformance: $name', (backend: KvBackend) => {
  const clock = new TestClock(Date.now());
  let opened: TestKv;
  let kv: Kv;
  let n = 0;
  const key = (name: string) => `${name}:${++n}`;
  // Redis keeps its own time; the others follow the test clock.
  const passTime = async (ms: number) => (backend.realTime ? sleep(ms) : clock.advance(ms));
  const TTL = backend.realTime ? 150 : 1000;

  beforeAll(async () => {
    opened = await backend.open(clock);
    kv = opened.kv;
  });
  afterAll(async () => opened?.cleanup());

  it('setIfAbsent stores once, then refuses while the entry lives, then accepts after expiry', async () => {
    const k = key('once');
    expect(await kv.setIfAbsent(k, 'a', TTL)).toBe(true);
    expect(await kv.setIfAbsent(k, 'b', TTL)).toBe(false);
    expect(await kv.get(k)).toBe('a');
    await passTime(TTL * 2);
    expect(await kv.get(k)).toBeNull();
    expect(await kv.setIfAbsent(k, 'c', TTL)).toBe(true);
    expect(await kv.get(k)).toBe('c');
  });

  it('setIfAbsent lets exactly one of many concurrent callers win', async () => {
    const k = key('race');
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => kv.setIfAbsent(k, String(i), 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('setIfAbsent answers each key on its own when many keys, new and taken, are asked at once', async () => {
    const taken = Array.from({ length: 40 }, () => key('taken'));
    for (const k of taken) expect(await kv.setIfAbsent(k, 'first', 60_000)).toBe(true);
    const fresh = Array.from({ length: 600 }, () => key('fresh'));
    const asked = [...fresh, ...taken, fresh[0] as string];
    const results = await Promise.all(asked.map((k) => kv.setIfAbsent(k, 'second', 60_000)));
    // every fresh key once, no taken key, and the repeated fresh key only once
    expect(results.slice(0, fresh.length).every(Boolean)).toBe(true);
    expect(results.slice(fresh.length).some(Boolean)).toBe(false);
    expect(await kv.get(taken[0] as string)).toBe('first');
    expect(await kv.get(fresh[599] as string)).toBe('second');
  });

  it('spendRequestId spends an id once in any case, then again only after expiry', async () => {
    const id = randomUUID();
    expect(await kv.spendRequestId(id, TTL)).toBe(true);
    expect(await kv.spendRequestId(id, TTL)).toBe(false);
    expect(await kv.spendRequestId(id.toUpperCase(), TTL)).toBe(false);
    await passTime(TTL * 2);
    expect(await kv.spendRequestId(id, TTL)).toBe(true);
    expect(await kv.spendRequestId(id, TTL)).toBe(false);
  });

  it('spendRequestId answers each id on its own when many, new, spent and repeated, come at once', async () => {
    const spent = Array.from({ length: 40 }, () => randomUUID());
    for (const id of spent) expect(await kv.spendRequestId(id, 60_000)).toBe(true);
    const fresh = Array.from({ length: 600 }, () => randomUUID());
    const asked = [...fresh, ...spent, (fresh[0] as string).toUpperCase()];
    const results = await Promise.all(asked.map((id) => kv.spendRequestId(id, 60_000)));
    expect(results.slice(0, fresh.length).every(Boolean)).toBe(true);
    expect(results.slice(fresh.length).some(Boolean)).toBe(false);
  });

  it('spendRequestId lets exactly one of many concurrent callers win', async () => {
    const id = randomUUID();
    const results = await Promise.all(Array.from({ length: 25 }, () => kv.spendRequestId(id, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('spendRequestId refuses what is not a UUID, and spends nothing', async () => {
    const id = randomUUID();
    for (const bad of ['', 'jti', `${id}0`, id.replaceAll('-', ''), `${id.slice(0, -1)}g`]) {
      await expect(kv.spendRequestId(bad, 60_000)).rejects.toThrow(/UUID/);
    }
    expect(await kv.spendRequestId(id, 60_000)).toBe(true);
  });

  it('set replaces and get reads; a missing key is null', async () => {
    const k = key('set');
    expect(await kv.get(k)).toBeNull();
    await kv.set(k, 'one', 60_000);
    await kv.set(k, 'two', 60_000);
    expect(await kv.get(k)).toBe('two');
    await kv.delete(k);
    expect(await kv.get(k)).toBeNull();
  });

  it('getAndDelete hands the value to exactly one caller', async () => {
    const k = key('take');
    await kv.set(k, 'prize', 60_000);
    const results = await Promise.all(Array.from({ length: 25 }, () => kv.getAndDelete(k)));
    expect(results.filter((r) => r === 'prize')).toHaveLength(1);
    expect(await kv.getAndDelete(k)).toBeNull();
  });

  it('getAndDelete gives nothing for an expired entry', async () => {
    const k = key('stale');
    await kv.set(k, 'old', TTL);
    await passTime(TTL * 2);
    expect(await kv.getAndDelete(k)).toBeNull();
  });

  it('increment counts from 1, keeps the first TTL, and restarts after expiry', async () => {
    const k = key('count');
    expect(await kv.increment(k, TTL)).toBe(1);
    expect(await kv.increment(k, TTL)).toBe(2);
    await passTime(Math.floor(TTL / 3));
    expect(await kv.increment(k, TTL)).toBe(3);
    await passTime(TTL * 2);
    expect(await kv.increment(k, TTL)).toBe(1);
  });

  it('increment is atomic under concurrency', async () => {
    const k = key('many');
    const results = await Promise.all(Array.from({ length: 30 }, () => kv.increment(k, 60_000)));
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('publish reaches subscribers of that channel only, until they unsubscribe', async () => {
    const channel = key('chan');
    const got: string[] = [];
    const other: string[] = [];
    const unsubscribe = await kv.subscribe(channel, (m) => got.push(m));
    const unsubscribeOther = await kv.subscribe(key('other'), (m) => other.push(m));
    await kv.publish(channel, 'hello');
    await eventually(() => got.length === 1);
    expect(got).toEqual(['hello']);
    await unsubscribe();
    await kv.publish(channel, 'after');
    await sleep(200);
    expect(got).toEqual(['hello']);
    expect(other).toEqual([]);
    await unsubscribeOther();
  });

  it('publish from one instance reaches a subscriber on another instance of the same store', async (ctx) => {
    if (!opened.openPeer) return ctx.skip();
    const peer = await opened.openPeer();
    const channel = key('cross');
    const got: string[] = [];
    const unsubscribe = await peer.subscribe(channel, (m) => got.push(m));
    await kv.publish(channel, 'from-a');
    await eventually(() => got.length === 1);
    expect(got).toEqual(['from-a']);
    // and the value written by one is consumed once across both
    const k = key('shared');
    await kv.set(k, 'v', 60_000);
    const taken = await Promise.all([kv.getAndDelete(k), peer.getAndDelete(k)]);
    expect(taken.filter((t) => t === 'v')).toHaveLength(1);
    // and a request id is spent once across both
    const id = randomUUID();
    const spends = await Promise.all([kv.spendRequestId(id, 60_000), peer.spendRequestId(id, 60_000)]);
    expect(spends.filter(Boolean)).toHaveLength(1);
    await unsubscribe();
  });
});

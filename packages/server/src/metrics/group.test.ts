import type { Worker } from 'node:cluster';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GroupMetrics } from './group.js';

/** A stand-in worker that answers every collection with `report()` (what its registries hold then). */
function fakeWorker(group: GroupMetrics, id: number, report: () => Promise<unknown[]>): Worker {
  const worker = {
    id,
    send(message: { type: string; id: number }, callback: () => void) {
      void report().then((metrics) =>
        group.onMessage(worker as unknown as Worker, { type: 'signet:metrics:collected', id: message.id, metrics }),
      );
      callback();
      return true;
    },
  };
  return worker as unknown as Worker;
}

async function registryWith(count: number): Promise<unknown[]> {
  const registry = new Registry();
  new Counter({ name: 'served_total', help: 'requests', registers: [registry] }).inc(count);
  return [await registry.getMetricsAsJSON()];
}

describe('GroupMetrics', () => {
  it('keeps a dead worker’s counters as its last real report, not an empty one that followed it', async () => {
    const group = new GroupMetrics();
    let failing = false;
    const dying = fakeWorker(group, 1, () => (failing ? Promise.resolve([]) : registryWith(5)));
    group.add(dying);
    group.add(fakeWorker(group, 2, () => registryWith(3)));
    expect(await group.collect()).toMatch(/^served_total 8$/m);
    // its registries could not be read once, then it died
    failing = true;
    await group.collect();
    group.remove(dying);
    expect(await group.collect()).toMatch(/^served_total 8$/m);
  });
});

import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Metrics } from './metrics.js';

/*
 * /metrics under `signet start --workers N`: whichever worker a scrape reaches asks the
 * primary, the primary collects every listening worker's registries over cluster IPC and
 * sums them with prom-client's AggregatorRegistry.aggregate (with the counts of workers that
 * have died), and the worker answers with the group's text. (prom-client's own
 * clusterMetrics() would wait out its full timeout for a worker that died or had not yet
 * installed its listener; this asks only workers that listen and stops waiting for one that exits.)
 */

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

type GroupMessage =
  | { type: 'signet:metrics:scrape'; id: number } // worker -> primary: the group's text, please
  | { type: 'signet:metrics:collect'; id: number } // primary -> each worker: your own metrics, please
  | { type: 'signet:metrics:collected'; id: number; metrics: MetricsJson[] } // worker -> primary
  | { type: 'signet:metrics:scraped'; id: number; text?: string; error?: string }; // primary -> worker

function isGroupMessage(message: unknown): message is GroupMessage {
  if (typeof message !== 'object' || message === null) return false;
  const { type, id } = message as { type?: unknown; id?: unknown };
  return typeof type === 'string' && type.startsWith('signet:metrics:') && typeof id === 'number';
}

const TIMEOUT_MS = 5000;

/**
 * Sends over IPC, ignoring a channel that has just closed: without a callback Node reports
 * that as an 'error' event, which would bring the process down for a worker that died.
 */
function sendQuietly(
  target: { send?: (message: GroupMessage, callback: (error: Error | null) => void) => boolean },
  message: GroupMessage,
): void {
  target.send?.(message, () => undefined);
}

interface Collection {
  waiting: Set<number>;
  results: MetricsJson[];
  finish(error?: Error): void;
}

/** Counters and histograms only add up; a gauge (memory, open handles) of a dead process means nothing. */
function isCumulative(metric: MetricsJson[number]): boolean {
  // prom-client types `type` as a numeric enum, but its JSON carries the names
  const type: unknown = metric.type;
  return type === 'counter' || type === 'histogram';
}

/** The primary's side: knows which workers listen, gathers and sums their metrics on request. */
export class GroupMetrics {
  private readonly listening = new Map<number, Worker>();
  private readonly collections = new Map<number, Collection>();
  /** each listening worker's last report */
  private readonly lastReported = new Map<number, MetricsJson[]>();
  /**
   * The cumulative metrics of workers that are gone, as they last reported them. Without them a
   * counter of the group went down when a worker died, which Prometheus reads as a reset: the
   * group's totals stay monotonic, and only what a worker counted after its last scrape is lost.
   */
  private retired: MetricsJson[] = [];
  private nextId = 0;

  /** A worker listens: it has its registries and answers collections. */
  add(worker: Worker): void {
    this.listening.set(worker.id, worker);
  }

  /** A worker is gone: its counts stay (as last reported), and no collection waits for it any more. */
  remove(worker: Worker): void {
    this.listening.delete(worker.id);
    const last = this.lastReported.get(worker.id);
    this.lastReported.delete(worker.id);
    if (last) this.retired.push(...last.map((registry) => registry.filter(isCumulative)));
    for (const collection of this.collections.values()) {
      if (collection.waiting.delete(worker.id) && collection.waiting.size === 0) collection.finish();
    }
  }

  /** Wire this to cluster's 'message' event. */
  onMessage(worker: Worker, message: unknown): void {
    if (!isGroupMessage(message)) return;
    if (message.type === 'signet:metrics:scrape') {
      this.collect().then(
        (text) => sendQuietly(worker, { type: 'signet:metrics:scraped', id: message.id, text }),
        (error: unknown) =>
          sendQuietly(worker, { type: 'signet:metrics:scraped', id: message.id, error: String(error) }),
      );
    } else if (message.type === 'signet:metrics:collected') {
      const collection = this.collections.get(message.id);
      if (!collection?.waiting.delete(worker.id)) return;
      collection.results.push(...message.metrics);
      // an empty report is a worker that could not read its registries: its last real one stands
      if (message.metrics.length > 0) this.lastReported.set(worker.id, message.metrics);
      if (collection.waiting.size === 0) collection.finish();
    }
  }

  /** Every listening worker's metrics, summed (or as each metric's aggregator says), as Prometheus text. */
  collect(): Promise<string> {
    const id = this.nextId++;
    return new Promise<MetricsJson[]>((resolve, reject) => {
      const timer = setTimeout(
        () => collection.finish(new Error('a worker did not report its metrics in time')),
        TIMEOUT_MS,
      );
      const collection: Collection = {
        waiting: new Set(this.listening.keys()),
        results: [],
        finish: (error) => {
          clearTimeout(timer);
          this.collections.delete(id);
          if (error) reject(error);
          else resolve(collection.results);
        },
      };
      this.collections.set(id, collection);
      for (const worker of this.listening.values()) sendQuietly(worker, { type: 'signet:metrics:collect', id });
      if (collection.waiting.size === 0) collection.finish();
    }).then(async (results) => {
      // folded into one report now and then, so a long run of deaths does not grow the list
      if (this.retired.length > 8) this.retired = [await AggregatorRegistry.aggregate(this.retired).getMetricsAsJSON()];
      return AggregatorRegistry.aggregate([...results, ...this.retired]).metrics();
    });
  }
}

/**
 * A worker's side: answers the primary's collections with this process's registries, and
 * returns the scrape that asks the primary for the whole group's text.
 */
export function joinGroupMetrics(metrics: Metrics): () => Promise<string> {
  const send = (message: GroupMessage) => sendQuietly(process, message);
  const pending = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (!isGroupMessage(message)) return;
    if (message.type === 'signet:metrics:collect') {
      Promise.all(metrics.registries().map((registry) => registry.getMetricsAsJSON())).then(
        (json) => send({ type: 'signet:metrics:collected', id: message.id, metrics: json }),
        // an empty report keeps the primary from waiting out its timeout
        () => send({ type: 'signet:metrics:collected', id: message.id, metrics: [] }),
      );
    } else if (message.type === 'signet:metrics:scraped') {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.text !== undefined) waiter?.resolve(message.text);
      else waiter?.reject(new Error(`the primary could not gather metrics: ${message.error ?? 'unknown error'}`));
    }
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      // a little longer than the primary's own wait, so its answer (or its error) arrives first
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('the primary did not answer a metrics scrape'));
      }, TIMEOUT_MS + 1000);
      pending.set(id, {
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      send({ type: 'signet:metrics:scrape', id });
    });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import { type Server, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKv } from '../src/storage/kv/index.js';
import { openPostgresTestDatabase, openSqliteTestDatabase, postgresUrl, redisUrl } from './backends.js';
import { eventually } from './clock.js';
import { sample } from './metrics-text.js';

const bin = fileURLToPath(new URL('../bin/signet.js', import.meta.url));

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A GET on a connection of its own, so the cluster's round robin hands each to the next worker. */
function get(
  url: string,
  path: string,
  requestId = randomUUID(),
): Promise<{ status: number; body: string; requestId: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent: false, headers: { 'x-request-id': requestId } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, requestId }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface LogLine {
  pid: number;
  msg?: string;
  reqId?: string;
  worker?: number;
  workerPid?: number;
}

/** `signet start --workers 2` as a child process, its JSON log lines parsed as they come. */
class Group {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  stderr = '';
  private partial = '';

  constructor(env: Record<string, string>, workers = 2) {
    this.child = spawn('node', [bin, 'start', '--workers', String(workers)], {
      env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const text = this.partial + chunk.toString();
      const complete = text.split('\n');
      this.partial = complete.pop() ?? '';
      for (const line of complete) if (line.startsWith('{')) this.lines.push(JSON.parse(line) as LogLine);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  async url(): Promise<string> {
    await eventually(() => /listening on http/.test(this.stderr) || this.child.exitCode !== null, 30_000);
    const url = /listening on (http:\/\/\S+)/.exec(this.stderr)?.[1];
    if (!url) throw new Error(`the group did not start: ${this.stderr}`);
    return url;
  }

  /** Which process answered each request id, from the workers' "request completed" lines. */
  async pidsServing(requestIds: string[]): Promise<Set<number>> {
    const servedBy = () =>
      new Map(this.lines.filter((line) => line.msg === 'request completed').map((line) => [line.reqId, line.pid]));
    await eventually(() => requestIds.every((id) => servedBy().has(id)));
    const map = servedBy();
    return new Set(requestIds.map((id) => map.get(id) ?? 0));
  }

  workerPids(message: 'worker started' | 'worker listening'): number[] {
    return this.lines.filter((line) => line.msg === message).map((line) => line.workerPid ?? 0);
  }
}

/** After a failed test: nothing this file started may outlive it. */
function killLeftovers(group: Group | undefined): void {
  if (!group) return;
  if (group.child.exitCode === null && group.child.signalCode === null) group.child.kill('SIGKILL');
  for (const pid of group.workerPids('worker started')) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Backend {
  name: string;
  open(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

function postgresAndRedis(databaseUrl: string, redis: string): Backend {
  return {
    name: 'postgres + redis',
    open: async () => {
      const database = await openPostgresTestDatabase(databaseUrl);
      const prefix = `signet-test-workers-${randomBytes(4).toString('hex')}:`;
      return {
        env: { ...database.env, REDIS_URL: redis, REDIS_PREFIX: prefix },
        cleanup: async () => {
          const kv = new RedisKv(redis, prefix);
          await kv.connect();
          await kv.deleteAllWithPrefix();
          await kv.close();
          await database.cleanup();
        },
      };
    },
  };
}

const sqlite: Backend = {
  name: 'sqlite',
  open: async () => {
    const database = await openSqliteTestDatabase();
    return { env: database.env, cleanup: () => database.cleanup() };
  },
};

const backends: Backend[] = [sqlite, ...(postgresUrl && redisUrl ? [postgresAndRedis(postgresUrl, redisUrl)] : [])];

describe.each(backends)('signet start --workers 2 ($name)', (backend) => {
  let store: Awaited<ReturnType<Backend['open']>>;
  let group: Group;
  let url: string;

  beforeAll(async () => {
    store = await backend.open();
    // open: these tests read the group's metrics; who may scrape is metrics.test.ts's concern
    group = new Group({ ...store.env, METRICS: 'open', PORT: String(await freePort()) });
    url = await group.url();
  });
  afterAll(async () => {
    killLeftovers(group);
    await store?.cleanup();
  });

  it('answers from two workers, and /metrics counts what both served', async () => {
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await get(url, '/healthz'));
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    const pids = await group.pidsServing(answers.map((answer) => answer.requestId));
    expect(pids.size).toBe(2);
    expect(pids).not.toContain(group.child.pid);

    const scraped = await get(url, '/metrics');
    expect(scraped.status).toBe(200);
    expect(
      sample(scraped.body, 'signet_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }),
    ).toBe(12);
    // the process metrics are summed over the workers too
    expect(sample(scraped.body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('replaces a worker that dies, and keeps answering meanwhile', async () => {
    const healthzServed = async () =>
      sample((await get(url, '/metrics')).body, 'signet_http_requests_total', {
        method: 'GET',
        route: '/healthz',
        status: '200',
      });
    // both workers have served /healthz (the test before): the victim's share is part of this count
    const servedBefore = await healthzServed();
    const [victim] = group.workerPids('worker listening');
    if (victim === undefined) throw new Error('no worker pid logged');
    process.kill(victim, 'SIGKILL');
    await eventually(() =>
      group.lines.some((line) => line.msg === 'worker died; replacing it' && line.workerPid === victim),
    );
    for (let i = 0; i < 4; i++) expect((await get(url, '/healthz')).status).toBe(200);

    await eventually(() => group.workerPids('worker listening').length === 3, 30_000);
    const replacement = group.workerPids('worker listening')[2] ?? 0;
    expect(replacement).not.toBe(victim);
    expect(isAlive(replacement)).toBe(true);
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await get(url, '/healthz'));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(await group.pidsServing(answers.map((answer) => answer.requestId))).toContain(replacement);
    // the group's counter keeps what the dead worker had counted by the last scrape
    expect(await healthzServed()).toBe((servedBefore ?? 0) + 4 + 8);
  });

  it('stops the workers and itself on SIGTERM, with code 0', async () => {
    const workers = group.workerPids('worker listening').filter(isAlive);
    expect(workers).toHaveLength(2);
    group.child.kill('SIGTERM');
    const [code] = await once(group.child, 'exit');
    expect(code).toBe(0);
    expect(workers.filter(isAlive)).toEqual([]);
  });
});

describe('signet start --workers, refusing to start', () => {
  // Redis when there is one: a worker that fails must close its connection to be able to end
  const backend = backends.at(-1) ?? sqlite;
  let store: Awaited<ReturnType<Backend['open']>>;
  let taken: Server;
  const groups: Group[] = [];
  const start = (env: Record<string, string>, workers?: number) => {
    const group = new Group({ ...store.env, ...env }, workers);
    groups.push(group);
    return group;
  };
  beforeAll(async () => {
    store = await backend.open();
    taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
  });
  afterAll(async () => {
    groups.forEach(killLeftovers);
    taken?.close();
    await store?.cleanup();
  });

  it('names a bad --workers in one line', async () => {
    const group = start({ PORT: '0' }, 0);
    const [code] = await once(group.child, 'exit');
    expect(code).toBe(1);
    expect(group.stderr).toBe('signet: --workers: expected 1 to 64, got 0\n');
  });

  it('exits with 1 when its workers cannot listen, instead of replacing them forever', async () => {
    const group = start({ PORT: String((taken.address() as { port: number }).port) });
    const [code] = await once(group.child, 'exit');
    expect(code).toBe(1);
    expect(group.stderr).toMatch(/EADDRINUSE/);
    expect(group.stderr).toMatch(/signet: worker \d exited before listening \(code 1\)\n$/);
  });

  it('kills a worker stuck before listening and exits with 1 once WORKER_START_TIMEOUT has passed', async () => {
    // a "Redis" that accepts connections and never answers: each worker waits on it forever
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const group = start({
        PORT: '0',
        REDIS_URL: `redis://127.0.0.1:${(silent.address() as { port: number }).port}`,
        WORKER_START_TIMEOUT: '2',
      });
      const [code] = await once(group.child, 'exit');
      expect(code).toBe(1);
      expect(group.stderr).toMatch(/signet: worker \d did not listen within 2 s\n$/);
      expect(group.lines.some((line) => line.msg === 'worker did not start listening in time; killing it')).toBe(true);
    } finally {
      silent.close();
    }
  });
});

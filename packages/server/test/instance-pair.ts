import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { type TestDatabase, openRedisTestKv, openTestDatabase, redisUrl } from './backends.js';

const bin = fileURLToPath(new URL('../bin/signet.js', import.meta.url));
const START_LIMIT_MS = 30_000;
const STOP_LIMIT_MS = 5_000;

/** One `signet start` process. */
export interface Instance {
  name: string;
  /** base URL, no trailing slash */
  url: string;
  /** what the process has printed so far, for failure messages */
  output(): string;
}

/**
 * Two server processes on one database and one kv, as `--workers 2` or two hosts
 * behind a load balancer would be: PostgreSQL and Redis when the run has them, else
 * one SQLite file whose kv table both share.
 */
export interface InstancePair {
  a: Instance;
  b: Instance;
  /** environment that points the CLI at the shared database */
  env: Record<string, string>;
  /** which kv the pair shares */
  kv: 'redis' | 'sql';
  /** ends both processes and removes the database and Redis keys; safe to call twice */
  stop(): Promise<void>;
}

export interface RunningInstance extends Instance {
  /** true once the process has ended, by itself or by stop() */
  exited(): boolean;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** One `signet start` process with `env` added to this one's; resolves once it listens. */
export async function startInstance(name: string, env: Record<string, string>): Promise<RunningInstance> {
  const child = spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // a test worker that dies without its afterAll must not leave servers behind
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (exited(child)) return;
    const done = once(child, 'exit');
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS);
    await done;
    clearTimeout(force);
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`instance ${name} did not start in time:\n${output}`)),
        START_LIMIT_MS,
      );
      const finish = (error?: Error, value?: string) => {
        clearTimeout(timer);
        child.stderr?.off('data', look);
        child.off('exit', early);
        if (error) reject(error);
        else resolve(value ?? '');
      };
      const look = () => {
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) finish(undefined, match[1].replace(/\/$/, ''));
      };
      const early = (code: number | null) =>
        finish(new Error(`instance ${name} exited (${code}) before listening:\n${output}`));
      child.stderr?.on('data', look);
      child.once('exit', early);
    });
    return { name, url, output: () => output, exited: () => exited(child), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts A and B on a fresh database (and Redis prefix); `env` adds or overrides variables for both. */
export async function startInstancePair(env: Record<string, string> = {}): Promise<InstancePair> {
  const database: TestDatabase = await openTestDatabase();
  const redis = redisUrl ? await openRedisTestKv(redisUrl) : undefined;
  const shared = {
    ...database.env,
    REDIS_URL: redisUrl ?? '',
    REDIS_PREFIX: redis?.prefix ?? 'signet:',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...env,
  };
  const started: RunningInstance[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(started.map((instance) => instance.stop()));
    await redis?.cleanup();
    await database.cleanup();
  };
  try {
    const results = await Promise.allSettled([startInstance('A', shared), startInstance('B', shared)]);
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  } catch (error) {
    await stop();
    throw error;
  }
  const [a, b] = started as [RunningInstance, RunningInstance];
  return { a, b, env: database.env, kv: redis ? 'redis' : 'sql', stop };
}

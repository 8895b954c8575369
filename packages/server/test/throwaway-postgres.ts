import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

/*
 * A PostgreSQL server of a test's own (initdb + pg_ctl on a free port, trust auth), for fault
 * tests that must stop, restart or cut off the database: never the machine's shared one.
 * PostgreSQL refuses to run as root, so under root its commands run as the `postgres` user
 * in a directory that user owns.
 */

const run = promisify(execFile);
const START_LIMIT_S = 30;

/** The directory holding initdb and pg_ctl: POSTGRES_BIN, else the newest Debian install, else PATH; undefined when none. */
export function findPostgresBin(): string | undefined {
  const candidates: string[] = [];
  if (process.env.POSTGRES_BIN) candidates.push(process.env.POSTGRES_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((name) => /^\d+$/.test(name));
    versions.sort((x, y) => Number(y) - Number(x));
    candidates.push(...versions.map((version) => join(debian, version, 'bin')));
  }
  candidates.push(...(process.env.PATH ?? '').split(':').filter(Boolean));
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

export interface ThrowawayPostgres {
  /** A URL for `database` (default `postgres`), as the superuser `postgres`, no password. */
  url(database?: string): string;
  /** Runs one statement as the superuser on the `postgres` database, on a connection of its own. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** `pg_ctl stop -m fast`: every session is ended, as in a restart or a failover. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it (if running) and removes its files; safe to call twice. */
  destroy(): Promise<void>;
}

/** Initialises a cluster in a new temporary directory and starts it; the caller must destroy() it. */
export async function startThrowawayPostgres(bin = findPostgresBin()): Promise<ThrowawayPostgres> {
  if (!bin) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found');
  const dir = mkdtempSync(join(tmpdir(), 'signet-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // pg_ctl and postgres check the identity of whoever runs them; the working directory must be theirs to read
  const pgCommand = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { cwd: dir })
      : run(join(bin, tool), args, { cwd: dir });
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-k ${dir}`,
    // a test's data is thrown away: durability only costs time
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  let running = false;
  const pidOf = (): number | undefined => {
    try {
      return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
    } catch {
      return undefined;
    }
  };
  // SIGQUIT: PostgreSQL's immediate shutdown
  const kill = () => {
    const pid = pidOf();
    try {
      if (pid) process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  };
  // a test process that dies without its afterAll must not leave a server behind
  const killOnExit = () => {
    if (running) kill();
  };
  process.once('exit', killOnExit);

  const start = async () => {
    await pgCommand('pg_ctl', [
      'start',
      '-D',
      data,
      '-l',
      join(dir, 'postgres.log'),
      '-w',
      '-t',
      String(START_LIMIT_S),
      '-o',
      settings,
    ]);
    running = true;
  };
  const stop = async () => {
    await pgCommand('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
    running = false;
  };
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;

  try {
    if (asRoot)
      chownSync(
        dir,
        Number((await run('id', ['-u', 'postgres'])).stdout),
        Number((await run('id', ['-g', 'postgres'])).stdout),
      );
    await pgCommand('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    await start();
  } catch (error) {
    const log = existsSync(join(dir, 'postgres.log')) ? readFileSync(join(dir, 'postgres.log'), 'utf8') : '';
    process.off('exit', killOnExit);
    // pg_ctl may have given up waiting on a server that did start
    kill();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `throwaway PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}\n${log}`,
    );
  }

  let destroyed = false;
  return {
    url,
    query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
      const client = new pg.Client({ connectionString: url() });
      // the server may go away under this connection: that is a failed query, not a crashed test worker
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query<R>(text, values)).rows;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    stop,
    start,
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      try {
        if (running) await stop();
      } finally {
        process.off('exit', killOnExit);
        killOnExit();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, openTestDatabase } from './backends.js';
import { eventually } from './clock.js';

const bin = fileURLToPath(new URL('../bin/signet.js', import.meta.url));
const run = promisify(execFile);

async function signet(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the signet executable', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => database?.cleanup());

  it('runs a command and prints JSON', async () => {
    const result = await signet(database.env, 'users', 'create', '--username', 'binuser', '--password', 'long enough', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ username: 'binuser' });
  });

  it('migrates a new SQLite file once when several processes start on it together', async () => {
    // Kysely takes no lock on SQLite: without one, most of these rounds failed with "table ... already exists"
    for (let round = 0; round < 5; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'signet-race-'));
      try {
        const env = { DATABASE_URL: `file:${join(dir, 'new.db')}`, DATABASE_SCHEMA: '' };
        const results = await Promise.all([1, 2, 3, 4].map(() => signet(env, 'migrate')));
        expect(results.map((result) => result.code)).toEqual([0, 0, 0, 0]);
        expect(results.filter((result) => result.stdout.startsWith('applied ')).length).toBe(1);
        expect((await signet(env, 'migrate')).stdout).toMatch(/up to date/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('says in one line that the database cannot be reached, with no stack trace', async () => {
    const result = await signet({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' }, 'start');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^signet: cannot open the database postgres:\/\/postgres@127\.0\.0\.1:1\/test: .*ECONNREFUSED.*\n$/);
  });

  it('names a bad variable in one line', async () => {
    const result = await signet({ ...database.env, ISSUER: 'not a url' }, 'start');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('signet: ISSUER: expected an http(s) URL, got "not a url"\n');
  });

  describe('start', () => {
    let child: ChildProcess;
    let output = '';
    afterAll(() => {
      child?.kill('SIGKILL');
    });

    it('serves /healthz and /readyz, then stops gracefully on SIGTERM', async () => {
      child = spawn('node', [bin, 'start'], {
        env: { ...process.env, ...database.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      await eventually(() => /listening on (http:\/\/\S+)/.test(output), 15_000);
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready' });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    });
  });
});

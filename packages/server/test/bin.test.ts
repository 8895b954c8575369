import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_KEYS_SECRET, type TestDatabase, openTestDatabase } from './backends.js';
import { cli } from './cli-harness.js';
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
    const result = await signet(
      database.env,
      'users',
      'create',
      '--username',
      'binuser',
      '--password',
      'long enough',
      '--json',
    );
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
    // 25 process starts: a hang guard only, wide enough for a busy two-core machine
  }, 180_000);

  it('says in one line that the database cannot be reached, with no stack trace', async () => {
    // KEYS_SECRET set: unset, a ./data/keys-secret would be made in the working directory first
    const result = await signet(
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test', KEYS_SECRET: TEST_KEYS_SECRET },
      'start',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^signet: cannot open the database postgres:\/\/postgres@127\.0\.0\.1:1\/test: .*ECONNREFUSED.*\n$/,
    );
  });

  it('names a bad variable in one line', async () => {
    const result = await signet({ ...database.env, ISSUER: 'not a url' }, 'start');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('signet: ISSUER: expected an http(s) URL, got "not a url"\n');
  });

  it('stops without KEYS_SECRET in production, naming it in one line, for start and every command', async () => {
    const production = { ...database.env, KEYS_SECRET: '', NODE_ENV: 'production' };
    const line =
      'signet: KEYS_SECRET: required when NODE_ENV=production (32+ random characters, the same on every host)\n';
    const started = await signet(production, 'start');
    expect(started.code).toBe(1);
    expect(started.stderr).toBe(line);
    expect(await cli(production, 'apps', 'list')).toEqual({ code: 1, stdout: '', stderr: line });
  });

  it('refuses to start or run a command with another KEYS_SECRET than its secrets were sealed with, in one line, changing nothing', async () => {
    expect(
      (await cli(database.env, 'users', 'create', '--username', 'keysuser', '--password', 'long enough')).code,
    ).toBe(0);
    // a keystore names the server's public key: its seed is made and stored sealed
    expect((await cli(database.env, 'keystore', 'create', '--user', 'keysuser', '--json')).code).toBe(0);
    const before = await database.storage.db.selectFrom('server_secrets').selectAll().orderBy('name').execute();
    const wrong = {
      ...database.env,
      KEYS_SECRET: `${TEST_KEYS_SECRET}-but-not-the-same`,
      PORT: '0',
      HOST: '127.0.0.1',
    };
    const line =
      /^signet: cannot open server_secrets:\w+: it was sealed under another KEYS_SECRET, or altered; start with the KEYS_SECRET it was sealed with\n$/;
    const started = await signet(wrong, 'start');
    expect(started.code).toBe(1);
    expect(started.stderr).toMatch(line);
    const created = await cli(wrong, 'users', 'create', '--username', 'another', '--password', 'long enough');
    expect(created.code).toBe(1);
    expect(created.stderr).toMatch(line);
    expect(await database.storage.db.selectFrom('server_secrets').selectAll().orderBy('name').execute()).toEqual(
      before,
    );
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

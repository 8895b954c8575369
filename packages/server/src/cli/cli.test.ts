import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, openTestDatabase } from '../../test/backends.js';
import { cli, json } from '../../test/cli-harness.js';
import { saveLogo } from '../apps/logos.js';

describe('signet CLI', () => {
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await openTestDatabase();
    env = database.env;
  });
  afterAll(async () => database?.cleanup());

  it('users create --json prints exactly the contract’s user object', async () => {
    const user = json(
      await cli(
        env,
        'users',
        'create',
        '--username',
        'carol',
        '--password',
        'long enough',
        '--full-name',
        'Carol C',
        '--phone',
        '+447700900123',
        '--json',
      ),
    );
    expect(Object.keys(user).sort()).toEqual([
      'created_at',
      'full_name',
      'identity_number',
      'phone',
      'user_id',
      'username',
    ]);
    expect(user).toMatchObject({ username: 'carol', full_name: 'Carol C', phone: '+447700900123' });
    expect(user.identity_number).toMatch(/^\d+$/);
    expect(Number(user.identity_number)).toBeGreaterThanOrEqual(7000);
    expect(new Date(String(user.created_at)).toISOString()).toBe(user.created_at);
  });

  it('refuses a duplicate username on stderr with a non-zero exit and nothing on stdout', async () => {
    const result = await cli(env, 'users', 'create', '--username', 'CAROL', '--password', 'long enough', '--json');
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^signet: username: is already taken\n$/);
  });

  it('apps create --json prints client_id and client_secret; show, list, rotate and delete work by id', async () => {
    const created = json(
      await cli(
        env,
        'apps',
        'create',
        '--name',
        'Printer',
        '--owner',
        'carol',
        '--redirect-uri',
        'https://printer.example/cb',
        '--redirect-uri',
        'http://127.0.0.1/cb',
        '--host',
        '*.printer.example',
        '--description',
        'Prints',
        '--website',
        'https://printer.example',
        '--json',
      ),
    );
    expect(created.client_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.client_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created).toMatchObject({
      name: 'Printer',
      type: 'confidential',
      redirect_uris: ['https://printer.example/cb', 'http://127.0.0.1/cb'],
      hosts: ['*.printer.example'],
    });
    const id = String(created.client_id);

    const shown = json(await cli(env, 'apps', 'show', id, '--json'));
    expect(shown.client_id).toBe(id);
    expect(shown).not.toHaveProperty('client_secret');

    const listed = json<Record<string, unknown>[]>(await cli(env, 'apps', 'list', '--owner', 'carol', '--json'));
    expect(listed.map((a) => a.client_id)).toContain(id);

    const rotated = json(await cli(env, 'apps', 'rotate-secret', id, '--json'));
    expect(rotated.client_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.client_secret).not.toBe(created.client_secret);

    expect(json(await cli(env, 'apps', 'delete', id, '--json'))).toEqual({ client_id: id, deleted: true });
    const gone = await cli(env, 'apps', 'show', id, '--json');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('not found');
  });

  it('creates a public app without a secret', async () => {
    const created = json(
      await cli(
        env,
        'apps',
        'create',
        '--name',
        'Native',
        '--owner',
        'carol',
        '--public',
        '--redirect-uri',
        'com.example.app:/cb',
        '--json',
      ),
    );
    expect(created.type).toBe('public');
    expect(created).not.toHaveProperty('client_secret');
  });

  it.each([
    ['redirect_uris', ['--redirect-uri', 'http://example.com/cb']],
    ['redirect_uris', ['--redirect-uri', 'https://a.com/cb#x']],
    ['hosts', ['--host', '*.com']],
    ['hosts', ['--host', '*']],
    ['hosts', ['--host', 'ex*mple.com']],
  ])('refuses a bad %s with a message naming it, and stores nothing', async (field, flags) => {
    const before = json<unknown[]>(await cli(env, 'apps', 'list', '--json')).length;
    const result = await cli(env, 'apps', 'create', '--name', 'Bad', '--owner', 'carol', ...flags, '--json');
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^signet: ${field}: `));
    expect(json<unknown[]>(await cli(env, 'apps', 'list', '--json'))).toHaveLength(before);
  });

  it('prints an uploaded logo as the absolute URL the API gives, under ISSUER', async () => {
    const created = json(
      await cli(
        env,
        'apps',
        'create',
        '--name',
        'Logo',
        '--owner',
        'carol',
        '--redirect-uri',
        'https://logo.example/cb',
        '--json',
      ),
    );
    const id = String(created.client_id);
    await saveLogo(
      database.storage.db,
      id,
      'image/png',
      Buffer.from('89504e470d0a1a0a', 'hex'),
      new Date().toISOString(),
    );
    const issuer = { ...env, ISSUER: 'https://id.example' };
    expect(json(await cli(issuer, 'apps', 'show', id, '--json')).icon_url).toBe(`https://id.example/apps/${id}/logo`);
    const listed = json<Record<string, unknown>[]>(await cli(issuer, 'apps', 'list', '--owner', 'carol', '--json'));
    expect(listed.find((app) => app.client_id === id)?.icon_url).toBe(`https://id.example/apps/${id}/logo`);
    expect(json(await cli(issuer, 'apps', 'update', id, '--name', 'Logo 2', '--json')).icon_url).toBe(
      `https://id.example/apps/${id}/logo`,
    );
  });

  it('refuses a 65-character name', async () => {
    const result = await cli(env, 'apps', 'create', '--name', 'n'.repeat(65), '--owner', 'carol', '--json');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^signet: name: /);
  });

  it('refuses an unknown owner', async () => {
    const result = await cli(env, 'apps', 'create', '--name', 'Orphan', '--owner', 'nobody-here', '--json');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('nobody-here not found');
  });

  it('prints human-readable text without --json', async () => {
    const result = await cli(env, 'users', 'create', '--username', 'dave', '--password', 'long enough');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^user_id: +[0-9a-f-]{36}$/m);
    expect(() => JSON.parse(result.stdout)).toThrow();
  });

  it('keystore create --json prints the contract’s keystore, for a user and for an app’s bot', async () => {
    const keystore = json(await cli(env, 'keystore', 'create', '--user', 'carol', '--json'));
    expect(Object.keys(keystore).sort()).toEqual([
      'app_id',
      'server_public_key',
      'session_id',
      'session_private_key',
      'user_id',
    ]);
    expect(keystore.app_id).toBe(keystore.user_id);
    expect(keystore.session_private_key).toMatch(/^[0-9a-f]{64}$/);
    expect(keystore.server_public_key).toMatch(/^[0-9a-f]{64}$/);
    const again = json(await cli(env, 'keystore', 'create', '--user', 'carol', '--json'));
    expect(again.session_id).not.toBe(keystore.session_id);
    expect(again.server_public_key).toBe(keystore.server_public_key);

    const app = json(await cli(env, 'apps', 'create', '--name', 'Bot', '--owner', 'carol', '--json'));
    const bot = json(await cli(env, 'keystore', 'create', '--user', String(app.client_id), '--json'));
    expect(bot.user_id).toBe(app.client_id);
  });

  it('migrate reports an up-to-date database', async () => {
    expect(json(await cli(env, 'migrate', '--json'))).toEqual({ applied: [] });
  });

  it('refuses a bad configuration value naming the variable', async () => {
    const result = await cli({ ...env, PORT: 'eighty' }, 'start');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('signet: PORT: expected a whole number, got "eighty"\n');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, openTestDatabase } from '../../test/backends.js';
import { cli, json } from '../../test/cli-harness.js';

describe('signet assets', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let userId: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    env = database.env;
    userId = String(
      json(await cli(env, 'users', 'create', '--username', 'miner', '--password', 'long enough', '--json')).user_id,
    );
  });
  afterAll(async () => database?.cleanup());

  it('create --json prints exactly asset_id, symbol, name and precision', async () => {
    const asset = json(
      await cli(env, 'assets', 'create', '--symbol', 'XIN', '--name', 'Mixin', '--precision', '4', '--json'),
    );
    expect(Object.keys(asset).sort()).toEqual(['asset_id', 'name', 'precision', 'symbol']);
    expect(asset).toMatchObject({ symbol: 'XIN', name: 'Mixin', precision: 4 });
    expect(asset.asset_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(json(await cli(env, 'assets', 'create', '--symbol', 'BTC', '--name', 'Bitcoin', '--json')).precision).toBe(
      8,
    );
  });

  it('refuses a taken symbol (any case) and a bad precision on stderr, nothing on stdout', async () => {
    const taken = await cli(env, 'assets', 'create', '--symbol', 'xin', '--name', 'Again', '--json');
    expect(taken.code).not.toBe(0);
    expect(taken.stdout).toBe('');
    expect(taken.stderr).toMatch(/^signet: symbol: is already taken\n$/);
    const precision = await cli(
      env,
      'assets',
      'create',
      '--symbol',
      'P',
      '--name',
      'P',
      '--precision',
      '8.5',
      '--json',
    );
    expect(precision.code).not.toBe(0);
    expect(precision.stderr).toContain('precision');
  });

  it('credit prints the deposit snapshot; by username or user_id, symbol in any case or asset_id', async () => {
    const first = json(
      await cli(
        env,
        'assets',
        'credit',
        '--user',
        'miner',
        '--asset',
        'xin',
        '--amount',
        '1.5',
        '--memo',
        'genesis',
        '--json',
      ),
    );
    expect(first).toMatchObject({
      type: 'snapshot',
      user_id: userId,
      amount: '1.5',
      opening_balance: '0',
      closing_balance: '1.5',
      memo: 'genesis',
      opponent_id: '',
    });
    const second = json(
      await cli(
        env,
        'assets',
        'credit',
        '--user',
        userId,
        '--asset',
        String(first.asset_id),
        '--amount',
        '0.25',
        '--json',
      ),
    );
    expect(second).toMatchObject({ opening_balance: '1.5', closing_balance: '1.75' });
    const human = await cli(env, 'assets', 'credit', '--user', 'miner', '--asset', 'XIN', '--amount', '1');
    expect(human.stdout).toMatch(/closing_balance:\s+2.75/);
  });

  it('refuses bad amounts, unknown users and unknown assets', async () => {
    for (const [args, message] of [
      [['--user', 'miner', '--asset', 'XIN', '--amount', '0.00001'], 'amount'],
      [['--user', 'miner', '--asset', 'XIN', '--amount', '-1'], 'amount'],
      [['--user', 'nobody', '--asset', 'XIN', '--amount', '1'], 'not found'],
      [['--user', 'miner', '--asset', 'NOPE', '--amount', '1'], 'not found'],
    ] as const) {
      const result = await cli(env, 'assets', 'credit', ...args, '--json');
      expect(result.code, message).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
    }
  });
});

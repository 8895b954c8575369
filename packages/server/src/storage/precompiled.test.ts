import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { precompiledInsert } from './precompiled.js';
import type { Database, KvTable } from './tables.js';

describe('precompiledInsert', () => {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  afterAll(() => db.destroy());
  const insert = precompiledInsert<KvTable, [now: number]>(
    ['key', 'value', 'expires_at'],
    (builder, rows, now) =>
      builder
        .insertInto('kv')
        .values(rows)
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') }).where('kv.expires_at', '<=', now))
        .returning('key'),
    1,
  );

  it('binds each row by column name, whatever order its fields come in, and the extras after them', async () => {
    await db.schema.createTable('kv').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text').addColumn('expires_at', 'integer').execute();
    const stored = await insert<{ key: string }>(db, [{ key: 'a', value: '1', expires_at: 10 }, { expires_at: 20, value: '2', key: 'b' }], 0);
    expect(stored.map((row) => row.key)).toEqual(['a', 'b']);
    expect(await db.selectFrom('kv').selectAll().orderBy('key').execute()).toEqual([
      { key: 'a', value: '1', expires_at: 10 },
      { key: 'b', value: '2', expires_at: 20 },
    ]);
    // the extra is the conflict clause's `now`: 15 takes over the expired 'a' only
    const takenOver = await insert<{ key: string }>(db, [{ key: 'a', value: 'x', expires_at: 30 }, { key: 'b', value: 'y', expires_at: 30 }], 15);
    expect(takenOver.map((row) => row.key)).toEqual(['a']);
  });

  it('compiles each row count on its own, more of them than it keeps', async () => {
    for (let count = 1; count <= 80; count++) {
      const rows = Array.from({ length: count }, (_, i) => ({ key: `n${count}-${i}`, value: String(i), expires_at: count }));
      expect(await insert(db, rows, 0)).toHaveLength(count);
    }
    expect(await db.selectFrom('kv').select((eb) => eb.fn.countAll<number>().as('n')).where('key', 'like', 'n%').executeTakeFirst()).toEqual({ n: (80 * 81) / 2 });
  });
});

import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { HotReads } from './hot-reads.js';
import { systemClock } from './kv/types.js';
import { powerOfTwoChunks, precompiledInsert } from './precompiled.js';
import type { Database, KvTable } from './tables.js';

describe('precompiledInsert', () => {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  const hot = new HotReads(db, undefined, systemClock);
  afterAll(() => db.destroy());
  const insert = precompiledInsert<KvTable, [now: number], { key: string }>(
    ['key', 'value', 'expires_at'],
    (builder, rows, now) =>
      builder
        .insertInto('kv')
        .values(rows)
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ value: (eb) => eb.ref('excluded.value') })
            .where('kv.expires_at', '<=', now),
        )
        .returning('key'),
    1,
  );

  it('binds each row by column name, whatever order its fields come in, and the extras after them', async () => {
    await db.schema
      .createTable('kv')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'integer')
      .execute();
    const stored = await hot.insert(
      insert,
      db,
      [
        { key: 'a', value: '1', expires_at: 10 },
        { expires_at: 20, value: '2', key: 'b' },
      ],
      0,
    );
    expect(stored.map((row) => row.key)).toEqual(['a', 'b']);
    expect(await db.selectFrom('kv').selectAll().orderBy('key').execute()).toEqual([
      { key: 'a', value: '1', expires_at: 10 },
      { key: 'b', value: '2', expires_at: 20 },
    ]);
    // the extra is the conflict clause's `now`: 15 takes over the expired 'a' only
    const takenOver = await hot.insert(
      insert,
      db,
      [
        { key: 'a', value: 'x', expires_at: 30 },
        { key: 'b', value: 'y', expires_at: 30 },
      ],
      15,
    );
    expect(takenOver.map((row) => row.key)).toEqual(['a']);
  });

  it('stores any number of rows, in power-of-two statements, and answers every statement’s RETURNING rows', async () => {
    for (const count of [1, 3, 37, 80, 511, 1100]) {
      const rows = Array.from({ length: count }, (_, i) => ({
        key: `n${count}-${String(i).padStart(4, '0')}`,
        value: String(i),
        expires_at: count,
      }));
      expect((await hot.insert(insert, db, rows, 0)).map((row) => row.key).sort()).toEqual(rows.map((row) => row.key));
    }
    expect(
      await db
        .selectFrom('kv')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('key', 'like', 'n%')
        .executeTakeFirst(),
    ).toEqual({ n: 1 + 3 + 37 + 80 + 511 + 1100 });
  });

  it('stores a batch all or nothing: a refused row in its last statement leaves the first ones unstored', async () => {
    const rows = Array.from({ length: 37 }, (_, i) => ({ key: `f-${i}`, value: String(i), expires_at: 1 }));
    // 37 rows go as 32, 4 and 1: the NOT NULL refusal comes in the third statement
    const refused = { ...rows[36], value: null } as unknown as KvTable;
    await expect(hot.insert(insert, db, [...rows.slice(0, 36), refused], 0)).rejects.toThrow(/NOT NULL/);
    expect(await db.selectFrom('kv').select('key').where('key', 'like', 'f-%').execute()).toEqual([]);
  });

  it('cuts a batch into runs of 512, 256, ... 1', () => {
    const sizes = (count: number) =>
      powerOfTwoChunks(Array.from({ length: count }, (_, i) => i)).map((chunk) => chunk.length);
    expect(sizes(0)).toEqual([]);
    expect(sizes(37)).toEqual([32, 4, 1]);
    expect(sizes(1100)).toEqual([512, 512, 64, 8, 4]);
    expect(powerOfTwoChunks([1, 2, 3]).flat()).toEqual([1, 2, 3]);
    // one run already: no copy
    const four = [1, 2, 3, 4];
    expect(powerOfTwoChunks(four)[0]).toBe(four);
  });
});

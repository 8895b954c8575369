import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite-statements.js';

describe('the SQLite statement cache', () => {
  const database = withStatementCache(new BetterSqlite3(':memory:'));
  afterAll(() => database.close());

  it('reuses a prepared statement by its text', () => {
    expect(database.prepare('select 1 as one')).toBe(database.prepare('select 1 as one'));
  });

  describe('long texts (multi-row INSERTs, whose text varies with their rows)', () => {
    const long = (rows: number) =>
      `select * from (values ${Array.from({ length: rows }, (_, i) => `(${i})`).join(', ')})`;

    it('reuses one while it is among the 32 most recently used', () => {
      expect(long(300).length).toBeGreaterThan(1000);
      const kept = database.prepare(long(300));
      for (let rows = 301; rows <= 331; rows++) database.prepare(long(rows));
      expect(database.prepare(long(300))).toBe(kept); // used again: the most recent now
      database.prepare(long(332));
      expect(database.prepare(long(300))).toBe(kept);
    });

    it('forgets one once 32 others were used after it', () => {
      const forgotten = database.prepare(long(400));
      for (let rows = 401; rows <= 432; rows++) database.prepare(long(rows));
      expect(database.prepare(long(400))).not.toBe(forgotten);
    });
  });
});

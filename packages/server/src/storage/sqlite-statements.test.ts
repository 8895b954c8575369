import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite-statements.js';

describe('the SQLite statement cache', () => {
  const database = withStatementCache(new BetterSqlite3(':memory:'));
  afterAll(() => database.close());

  it('reuses a prepared statement by its text', () => {
    expect(database.prepare('select 1 as one')).toBe(database.prepare('select 1 as one'));
  });

  it('prepares a long text (a multi-row INSERT, whose text varies with its rows) every time, holding nothing', () => {
    const rows = Array.from({ length: 200 }, (_, i) => `(${i})`).join(', ');
    const sql = `select * from (values ${rows})`;
    expect(sql.length).toBeGreaterThan(1000);
    expect(database.prepare(sql)).not.toBe(database.prepare(sql));
  });
});

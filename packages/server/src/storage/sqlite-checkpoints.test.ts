import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointInBackground } from './sqlite-checkpoints.js';

const PAGE = 4096;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WAL checkpoints on a worker thread', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function openFile(): { sqlite: BetterSqlite3.Database; path: string } {
    const dir = mkdtempSync(join(tmpdir(), 'signet-checkpoints-'));
    dirs.push(dir);
    const path = join(dir, 'db.sqlite');
    const sqlite = new BetterSqlite3(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec('create table rows (id integer primary key, filler blob not null)');
    return { sqlite, path };
  }

  /** `commits` commits of `pages` pages each, `pauseMs` apart; the WAL's largest size in pages. */
  async function writeInCommits(
    sqlite: BetterSqlite3.Database,
    path: string,
    { commits, pages, pauseMs }: { commits: number; pages: number; pauseMs: number },
  ): Promise<number> {
    const insert = sqlite.prepare('insert into rows (filler) values (?)');
    const commit = sqlite.transaction(() => {
      for (let i = 0; i < pages; i++) insert.run(Buffer.alloc(PAGE - 200, i));
    });
    let largest = 0;
    for (let i = 0; i < commits; i++) {
      commit();
      largest = Math.max(largest, statSync(`${path}-wal`).size / PAGE);
      await sleep(pauseMs);
    }
    return largest;
  }

  it('takes the checkpoints off the connection and still keeps the WAL short', async () => {
    const { sqlite, path } = openFile();
    const stop = await checkpointInBackground(sqlite, path, 20);
    try {
      expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      // 1,600 pages written in bursts with pauses a background checkpoint can use: without
      // checkpoints the WAL would hold them all, and SQLite's own (every 1,000 pages) would let it
      // reach 1,000; a worker checkpointing between bursts keeps it near one burst
      expect(await writeInCommits(sqlite, path, { commits: 16, pages: 100, pauseMs: 150 })).toBeLessThan(400);
    } finally {
      await stop();
    }
    // stopped: the connection checkpoints for itself again
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(sqlite.prepare('select count(*) as n from rows').get()).toEqual({ n: 1600 });
    sqlite.close();
  });

  it('starts the WAL over under a write load that never pauses', async () => {
    const { sqlite, path } = openFile();
    // a RESTART past 300 frames; the default (4,096) would never come in this test
    const stop = await checkpointInBackground(sqlite, path, 5, 300);
    try {
      // 10,000 pages, a commit every millisecond (a server under load): PASSIVE checkpoints alone
      // never catch up with the writer, and SQLite starts the WAL over only after one has
      const largest = await writeInCommits(sqlite, path, { commits: 500, pages: 20, pauseMs: 1 });
      expect(largest).toBeLessThan(2000);
    } finally {
      await stop();
    }
    sqlite.close();
  });

  it('leaves the checkpoints to the connection when the worker cannot open the file', async () => {
    const { sqlite } = openFile();
    const stop = await checkpointInBackground(sqlite, join(tmpdir(), 'no-such-dir-signet', 'db.sqlite'));
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await stop();
    sqlite.close();
  });
});

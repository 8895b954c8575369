import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { startServer } from '../src/main.js';
import { type TestDatabase, openTestDatabase } from './backends.js';

describe('startServer', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => database?.cleanup());

  it('gives a second stop the first one’s promise, so a second signal cannot cut shutdown short', async () => {
    const server = await startServer(
      loadConfig({ ...database.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const first = server.stop();
    expect(server.stop()).toBe(first);
    await first;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

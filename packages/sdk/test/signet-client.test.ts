import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/src/accounts/service.js';
import { createApp } from '../../server/src/apps/service.js';
import { systemClock } from '../../server/src/storage/kv/index.js';
import { type BrowserRig, startBrowserRig } from '../../server/test/browser-rig.js';
import { eventually } from '../../server/test/clock.js';
import { runClient } from '../src/cli/signet-client.js';

const bin = fileURLToPath(new URL('../bin/signet-client.js', import.meta.url));

describe('signet-client', () => {
  let rig: BrowserRig;
  let clientId: string;
  let dir: string;

  beforeAll(async () => {
    rig = await startBrowserRig();
    dir = mkdtempSync(join(tmpdir(), 'signet-client-'));
    const deps = { db: rig.database.storage.db, clock: systemClock };
    const user = await createUser(deps, {
      username: 'terminal',
      password: 'correct horse battery',
      fullName: 'Terminal User',
      phone: '+15550000001',
    });
    clientId = (
      await createApp(deps, {
        name: 'Terminal',
        ownerId: user.user_id,
        type: 'public',
        redirectUris: ['http://127.0.0.1/callback'],
      })
    ).app.client_id;
  });
  afterAll(async () => {
    await rig?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in through a loopback redirect, stores a keystore, and signs calls with it', async () => {
    const keystorePath = join(dir, 'keystore.json');
    let stderr = '';
    const io = { env: {}, stdout: () => undefined, stderr: (text: string) => (stderr += text) };
    const login = runClient(
      [
        'login',
        '--issuer',
        rig.issuer,
        '--client-id',
        clientId,
        '--scope',
        'PROFILE:READ PHONE:READ',
        '--out',
        keystorePath,
      ],
      io,
    );
    await eventually(() => stderr.includes('/oauth/authorize?'));
    const url = /(http:\/\/\S+\/oauth\/authorize\?\S+)/.exec(stderr)?.[1] ?? '';

    const context = await rig.browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel('Username').fill('terminal');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Authorize' }).click();
    await expect.poll(() => page.textContent('body')).toContain('Signed in');
    await context.close();

    expect(await login).toBe(0);
    const keystore = JSON.parse(readFileSync(keystorePath, 'utf8'));
    expect(keystore).toMatchObject({ issuer: rig.issuer, client_id: clientId, scope: 'PROFILE:READ PHONE:READ' });
    expect(keystore.session_private_key).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(keystorePath).mode & 0o077).toBe(0);

    // the built executable, as `npx signet-client` runs it
    const { stdout } = await promisify(execFile)('node', [bin, 'call', 'GET', '/me', '--keystore', keystorePath]);
    expect(JSON.parse(stdout)).toMatchObject({ full_name: 'Terminal User', phone: '+15550000001' });
  });

  it('reports an API error on stderr with a non-zero exit', async () => {
    const keystorePath = join(dir, 'bogus.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      keystorePath,
      JSON.stringify({
        client_id: clientId,
        authorization_id: crypto.randomUUID(),
        scope: 'PROFILE:READ',
        session_private_key: '11'.repeat(32),
      }),
    );
    let stderr = '';
    const code = await runClient(['call', 'GET', '/me', '--keystore', keystorePath, '--issuer', rig.issuer], {
      env: {},
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^signet-client: 401 /);
  });
});

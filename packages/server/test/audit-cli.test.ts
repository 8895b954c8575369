import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventType } from '../src/audit/events.js';
import { type AuditEventView, recordAuditEvent } from '../src/audit/service.js';
import { formatEvent, parseSince } from '../src/cli/audit.js';
import { type TestDatabase, databaseBackends } from './backends.js';
import { cli, json } from './cli-harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('parseSince', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  it('takes a duration back from now', () => {
    expect(parseSince('30s', now)).toBe(now - 30_000);
    expect(parseSince('15m', now)).toBe(now - 15 * MINUTE);
    expect(parseSince('2h', now)).toBe(now - 2 * HOUR);
    expect(parseSince('7d', now)).toBe(now - 7 * 24 * HOUR);
    expect(parseSince('1w', now)).toBe(now - 7 * 24 * HOUR);
  });
  it('takes an ISO 8601 time; without a zone it is UTC', () => {
    expect(parseSince('2026-11-23T10:30:00Z', now)).toBe(Date.UTC(2026, 10, 23, 10, 30));
    expect(parseSince('2026-11-23T10:30', now)).toBe(Date.UTC(2026, 10, 23, 10, 30));
    expect(parseSince('2026-11-23T10:30:00.250+02:00', now)).toBe(Date.UTC(2026, 10, 23, 8, 30, 0, 250));
    expect(parseSince('2026-11-23', now)).toBe(Date.UTC(2026, 10, 23));
  });
  it('refuses anything else, naming the option', () => {
    for (const bad of [
      '',
      'yesterday',
      '15',
      '15 m',
      '-2h',
      '2h30m',
      '2026-13-40',
      '23/11/2026',
      '2026-11-23T10:30:00 UTC',
    ]) {
      expect(() => parseSince(bad, now), bad).toThrow(/^--since: expected an ISO 8601 time/);
    }
  });
});

describe('formatEvent', () => {
  it('prints one line: time, type, then what is known as key=value, quoting what needs it', () => {
    const event: AuditEventView = {
      event_id: 7,
      at: '2026-11-23T12:00:00.000Z',
      type: 'consent.granted',
      user_id: 'u-1',
      client_id: 'c-1',
      authorization_id: null,
      ip: '203.0.113.7',
      detail: { granted: ['PROFILE:READ', 'PHONE:READ'], asked: [], note: 'two words', via: 'authorize' },
    };
    expect(formatEvent(event)).toBe(
      '2026-11-23T12:00:00.000Z  consent.granted              user=u-1  client=c-1  ip=203.0.113.7  granted=PROFILE:READ,PHONE:READ  asked=""  note="two words"  via=authorize',
    );
  });
});

describe.each(databaseBackends)('signet audit: $name', (backend) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let carolId: string;
  let clientId: string;
  const run = (...argv: string[]) => cli(env, ...argv);
  const events = async (...argv: string[]) => json<AuditEventView[]>(await run('audit', ...argv, '--json'));
  /** An event written at a chosen time, as the server would have written it then. */
  const eventAt = (at: number, type: AuditEventType, userId: string | null = null) =>
    recordAuditEvent(
      { db: database.storage.db, clock: { now: () => at } },
      { type, userId, ip: '192.0.2.1', detail: { reason: 'wrong_password' } },
    );

  beforeAll(async () => {
    database = await backend.open();
    env = database.env;
    carolId = String(
      json(await run('users', 'create', '--username', 'carol', '--password', 'long enough', '--json')).user_id,
    );
  });
  afterAll(async () => database?.cleanup());

  it('records what the CLI does to apps and keystores, as done from the CLI (no address)', async () => {
    const before = Date.now();
    const created = json(await run('apps', 'create', '--name', 'Printer', '--owner', 'carol', '--json'));
    clientId = String(created.client_id);
    const rotated = json(await run('apps', 'rotate-secret', clientId, '--json'));
    const keystore = json(await run('keystore', 'create', '--user', 'carol', '--json'));
    const listed = await events('--since', new Date(before).toISOString());
    expect(listed.map((e) => [e.type, e.user_id, e.client_id, e.ip, e.detail])).toEqual([
      ['app.created', carolId, clientId, null, { name: 'Printer', app_type: 'confidential', via: 'cli' }],
      ['app.secret_rotated', carolId, clientId, null, { via: 'cli' }],
      ['keystore.created', carolId, null, null, { session_id: keystore.session_id, via: 'cli' }],
    ]);
    const text = JSON.stringify(listed);
    for (const secret of [created.client_secret, rotated.client_secret, keystore.session_private_key])
      expect(text).not.toContain(String(secret));
  });

  it('filters by --since (a duration or a time), --type (repeatable) and --user (username or id), oldest first', async () => {
    const now = Date.now();
    await eventAt(now - 3 * HOUR, 'signin.failed', carolId);
    await eventAt(now - 90 * MINUTE, 'signin.failed', carolId);
    await eventAt(now - 60 * MINUTE, 'signin.failed', null);
    await eventAt(now - 30 * MINUTE, 'signout', carolId);

    const recent = await events('--since', '2h', '--type', 'signin.failed');
    expect(recent.map((e) => e.at)).toEqual([
      new Date(now - 90 * MINUTE).toISOString(),
      new Date(now - 60 * MINUTE).toISOString(),
    ]);
    const sinceTime = await events(
      '--since',
      new Date(now - 4 * HOUR).toISOString(),
      '--type',
      'signin.failed',
      '--type',
      'signout',
      '--user',
      'carol',
    );
    expect(sinceTime.map((e) => [e.type, e.user_id])).toEqual([
      ['signin.failed', carolId],
      ['signin.failed', carolId],
      ['signout', carolId],
    ]);
    expect(await events('--since', '4h', '--type', 'signout', '--user', carolId.toUpperCase())).toHaveLength(1);
    // a user_id is taken as it is: the record outlives the account
    expect(await events('--since', '4h', '--user', '00000000-0000-4000-8000-000000000000')).toEqual([]);
    expect(await events('--since', '1m', '--type', 'signin.failed')).toEqual([]);
  });

  it('keeps the newest --limit events, printed oldest first', async () => {
    const limited = await events('--since', '4h', '--type', 'signin.failed', '--type', 'signout', '--limit', '2');
    expect(limited.map((e) => e.type)).toEqual(['signin.failed', 'signout']);
    expect(limited[0]?.at).toBe(new Date(Date.parse(limited[1]?.at ?? '') - 30 * MINUTE).toISOString());
  });

  it('prints one readable line per event without --json, and says so when there are none', async () => {
    const result = await run('audit', '--since', '4h', '--type', 'signout');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z  signout {20}  user=${carolId}  ip=192\\.0\\.2\\.1  reason=wrong_password\\n$`,
      ),
    );
    expect((await run('audit', '--since', '1m', '--type', 'signout')).stdout).toBe('no events\n');
  });

  it('refuses a bad --since, --type, --limit or --user on stderr with a non-zero exit', async () => {
    for (const [argv, message] of [
      [['--since', 'yesterday'], /^signet: --since: expected an ISO 8601 time/],
      [['--since', '1h', '--type', 'login'], /^signet: --type: unknown event type login; one of signin\.succeeded, /],
      [['--since', '1h', '--limit', '0'], /^signet: --limit: expected 1 to 10000/],
      [['--since', '1h', '--user', 'nobody'], /^signet: User nobody not found/],
    ] as const) {
      const result = await run('audit', ...argv);
      expect(result.code, argv.join(' ')).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    }
    expect((await run('audit')).code).not.toBe(0);
  });

  it('records an app deleted from the CLI, after which its events are still listed', async () => {
    expect((await run('apps', 'delete', clientId)).code).toBe(0);
    const forApp = (await events('--since', '1h', '--user', 'carol')).filter((e) => e.client_id === clientId);
    expect(forApp.map((e) => e.type)).toEqual(['app.created', 'app.secret_rotated', 'app.deleted']);
  });
});

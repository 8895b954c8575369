import type { Command } from 'commander';
import { findUser, isUserId } from '../accounts/service.js';
import { AUDIT_EVENT_TYPES, isAuditEventType } from '../audit/events.js';
import { type AuditEventView, listAuditEventViews } from '../audit/service.js';
import { InvalidField } from '../errors/platform.js';
import type { Db } from '../storage/tables.js';
import { withContext } from './context.js';
import { type CliIo, print } from './io.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const DURATION = /^(\d{1,6})([smhdw])$/;
// a date, or a date and time; a time without a zone is UTC, so the answer never depends on the machine's zone
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const MAX_LIMIT = 10_000;

/** `--since`: an ISO 8601 time, or a duration back from now such as `15m`, `2h`, `7d`. Answers epoch milliseconds. */
export function parseSince(value: string, now: number): number {
  const duration = DURATION.exec(value);
  if (duration) return now - Number(duration[1]) * (UNIT_MS[duration[2] ?? ''] ?? 0);
  if (ISO_TIME.test(value)) {
    const zoned = value.includes('T') && !/(Z|[+-]\d{2}:\d{2})$/.test(value) ? `${value}Z` : value;
    const time = Date.parse(zoned);
    if (!Number.isNaN(time)) return time;
  }
  throw new InvalidField(
    '--since',
    `expected an ISO 8601 time (2026-11-23T12:00Z) or a duration (15m, 2h, 7d), got "${value}"`,
  );
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return 100;
  const limit = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT))
    throw new InvalidField('--limit', `expected 1 to ${MAX_LIMIT}, got "${value}"`);
  return limit;
}

function parseTypes(values: string[]): string[] {
  const unknown = values.filter((value) => !isAuditEventType(value));
  if (unknown.length > 0)
    throw new InvalidField(
      '--type',
      `unknown event type ${unknown.join(', ')}; one of ${AUDIT_EVENT_TYPES.join(', ')}`,
    );
  return values;
}

/** A user_id is taken as it is (the record outlives the account); a username must name a user. */
async function userIdOf(db: Db, value: string): Promise<string> {
  return isUserId(value) ? value.toLowerCase() : (await findUser({ db }, value)).user_id;
}

function formatValue(value: unknown): string {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return text === '' || /[\s"=]/.test(text) ? JSON.stringify(text) : text;
}

/** One event on one line: time, type, then `key=value` for what is known. */
export function formatEvent(event: AuditEventView): string {
  const ids = { user: event.user_id, client: event.client_id, authorization: event.authorization_id, ip: event.ip };
  const fields = [...Object.entries(ids), ...Object.entries(event.detail)]
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  return [event.at, event.type.padEnd(27), ...fields].join('  ').trimEnd();
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function auditCommands(program: Command, io: CliIo): void {
  program
    .command('audit')
    .description(
      'list security events (sign-ins, consent, revocations, secret rotation, reuse); the newest --limit, oldest first',
    )
    .requiredOption(
      '--since <when>',
      'an ISO 8601 time (UTC unless it says otherwise) or a duration back from now: 15m, 2h, 7d',
    )
    .option('--type <type>', `only this event type (repeat for several): ${AUDIT_EVENT_TYPES.join(', ')}`, collect)
    .option('--user <user>', 'only events concerning this username or user_id')
    .option('--limit <n>', `at most this many, the newest (default 100, at most ${MAX_LIMIT})`)
    .option('--json', 'print one JSON array')
    .action(async (options: { since: string; type?: string[]; user?: string; limit?: string; json?: boolean }) => {
      await withContext(io, async ({ storage, clock }) => {
        const query = {
          since: parseSince(options.since, clock.now()),
          types: parseTypes(options.type ?? []),
          userId: options.user === undefined ? undefined : await userIdOf(storage.db, options.user),
          limit: parseLimit(options.limit),
        };
        const events = await listAuditEventViews(storage.db, query);
        print(io, options.json, events, events.length === 0 ? 'no events' : events.map(formatEvent).join('\n'));
      });
    });
}

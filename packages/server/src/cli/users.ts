import type { Command } from 'commander';
import { createUser, toUserView } from '../accounts/service.js';
import { withContext } from './context.js';
import { type CliIo, describe, print } from './io.js';

export function userCommands(program: Command, io: CliIo): void {
  const users = program.command('users').description('manage user accounts');
  users
    .command('create')
    .description('create a user')
    .requiredOption('--username <username>', '3-32 of a-z 0-9 _ . -')
    .requiredOption('--password <password>', 'at least 8 characters')
    .option('--full-name <name>', 'display name (default: the username)')
    .option('--phone <phone>', 'E.164, e.g. +8613800000000')
    .option('--json', 'print JSON')
    .action(
      async (options: { username: string; password: string; fullName?: string; phone?: string; json?: boolean }) => {
        await withContext(io, async ({ storage, clock }) => {
          const row = await createUser({ db: storage.db, clock }, options);
          const { user_id, identity_number, username, full_name, phone, created_at } = toUserView(row);
          const user = { user_id, identity_number, username, full_name, phone, created_at };
          print(io, options.json, user, describe(user));
        });
      },
    );
}

import type { Command } from 'commander';
import { createKeystore } from '../accounts/keystores.js';
import { findUser } from '../accounts/service.js';
import { serverKeyPair } from '../tokens/server-key.js';
import { withContext } from './context.js';
import { type CliIo, describe, print } from './io.js';

export function keystoreCommands(program: Command, io: CliIo): void {
  const keystore = program
    .command('keystore')
    .description('session keystores (ed25519 keys a user signs requests with)');
  keystore
    .command('create')
    .description('create a session for a user (or an app, by its client_id) and print its keystore once')
    .requiredOption('--user <user>', 'username, user_id, or an app’s client_id')
    .option('--json', 'print JSON')
    .action(async (options: { user: string; json?: boolean }) => {
      await withContext(io, async ({ storage, clock }) => {
        const user = await findUser({ db: storage.db }, options.user);
        const created = await createKeystore(
          { db: storage.db, clock },
          user.user_id,
          (await serverKeyPair(storage)).publicKey,
          { via: 'cli' },
        );
        print(
          io,
          options.json,
          created,
          `${describe({ ...created })}\n(the private key is shown only once: store it now)`,
        );
      });
    });
}

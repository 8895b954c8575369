import type { Command } from 'commander';
import { findUser } from '../accounts/service.js';
import { publicIconUrl } from '../apps/logos.js';
import type { AppRow } from '../apps/repo.js';
import {
  type AppView,
  createApp,
  deleteApp,
  getApp,
  listApps,
  rotateSecret,
  toAppView,
  updateApp,
} from '../apps/service.js';
import type { Config } from '../config/schema.js';
import { withContext, withContextAndKv } from './context.js';
import { type CliIo, describe, print } from './io.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** An app as the CLI prints it: an uploaded logo's stored path as the absolute URL the API gives. */
function viewOf(row: AppRow, config: Config, clientSecret?: string): AppView {
  const view = toAppView(row, clientSecret);
  return { ...view, icon_url: publicIconUrl(view.icon_url, config.issuer) };
}

function describeApp(app: AppView): string {
  const { client_secret, ...rest } = app;
  const text = describe({ ...rest, redirect_uris: app.redirect_uris, hosts: app.hosts });
  return client_secret
    ? `${text}\nclient_secret: ${client_secret}\n(the secret is shown only once: store it now)`
    : text;
}

interface AppFieldOptions {
  name?: string;
  description?: string;
  website?: string;
  iconUrl?: string;
  redirectUri?: string[];
  host?: string[];
  json?: boolean;
}

function withFieldOptions(command: Command): Command {
  return command
    .option('--description <text>', 'up to 512 characters')
    .option('--website <url>', 'https URL')
    .option('--icon-url <url>', 'https URL of the logo')
    .option('--redirect-uri <uri>', 'a callback URL (repeat for several)', collect)
    .option('--host <pattern>', 'an allowed redirect host, e.g. *.example.com (repeat for several)', collect)
    .option('--json', 'print JSON');
}

function fieldsFrom(options: AppFieldOptions) {
  return {
    name: options.name,
    description: options.description,
    website: options.website,
    iconUrl: options.iconUrl,
    redirectUris: options.redirectUri,
    hosts: options.host,
  };
}

export function appCommands(program: Command, io: CliIo): void {
  const apps = program.command('apps').description('manage apps (OAuth clients)');

  withFieldOptions(
    apps
      .command('create')
      .description('register an app; prints its client_id and, once, its client_secret')
      .requiredOption('--name <name>', '1-64 characters')
      .requiredOption('--owner <user>', 'username or user_id of the developer'),
  )
    .option('--public', 'a public client: no secret, PKCE required')
    .action(async (options: AppFieldOptions & { name: string; owner: string; public?: boolean }) => {
      await withContext(io, async ({ storage, clock, config }) => {
        const owner = await findUser({ db: storage.db }, options.owner);
        const { app, clientSecret } = await createApp(
          { db: storage.db, clock },
          {
            ...fieldsFrom(options),
            name: options.name,
            ownerId: owner.user_id,
            type: options.public ? 'public' : 'confidential',
          },
          { via: 'cli' },
        );
        const view = viewOf(app, config, clientSecret);
        print(io, options.json, view, describeApp(view));
      });
    });

  apps
    .command('list')
    .description('list apps')
    .option('--owner <user>', 'only the apps of this user')
    .option('--json', 'print JSON')
    .action(async (options: { owner?: string; json?: boolean }) => {
      await withContext(io, async ({ storage, config }) => {
        const ownerId = options.owner ? (await findUser({ db: storage.db }, options.owner)).user_id : undefined;
        const views = (await listApps({ db: storage.db }, ownerId)).map((row) => viewOf(row, config));
        const human =
          views.length === 0
            ? 'no apps'
            : views.map((v) => `${v.client_id}  ${v.type.padEnd(12)}  ${v.name}`).join('\n');
        print(io, options.json, views, human);
      });
    });

  apps
    .command('show <client_id>')
    .description('show one app')
    .option('--json', 'print JSON')
    .action(async (clientId: string, options: { json?: boolean }) => {
      await withContext(io, async ({ storage, config }) => {
        const view = viewOf(await getApp({ db: storage.db }, clientId), config);
        print(io, options.json, view, describeApp(view));
      });
    });

  withFieldOptions(
    apps.command('update <client_id>').description('change an app’s fields').option('--name <name>', '1-64 characters'),
  ).action(async (clientId: string, options: AppFieldOptions) => {
    await withContextAndKv(io, async ({ storage, clock, kv, config }) => {
      const view = viewOf(
        await updateApp({ db: storage.db, hot: storage.hot, clock, kv }, clientId, fieldsFrom(options)),
        config,
      );
      print(io, options.json, view, describeApp(view));
    });
  });

  apps
    .command('rotate-secret <client_id>')
    .description('replace the client secret; the old one stops working at once')
    .option('--json', 'print JSON')
    .action(async (clientId: string, options: { json?: boolean }) => {
      await withContextAndKv(io, async ({ storage, clock, kv }) => {
        const { app, clientSecret } = await rotateSecret({ db: storage.db, hot: storage.hot, clock, kv }, clientId, {
          via: 'cli',
        });
        const result = { client_id: app.client_id, client_secret: clientSecret };
        print(io, options.json, result, describe(result));
      });
    });

  apps
    .command('delete <client_id>')
    .description('delete an app and its bot user')
    .option('--json', 'print JSON')
    .action(async (clientId: string, options: { json?: boolean }) => {
      await withContextAndKv(io, async ({ storage, clock, kv }) => {
        await deleteApp({ db: storage.db, hot: storage.hot, clock, kv }, clientId, { via: 'cli' });
        print(io, options.json, { client_id: clientId, deleted: true }, `deleted ${clientId}`);
      });
    });
}

import { Command, CommanderError } from 'commander';
import { appCommands } from './apps.js';
import { auditCommands } from './audit.js';
import { assetCommands } from './assets.js';
import { type CliIo, processIo } from './io.js';
import { keystoreCommands } from './keystores.js';
import { serverCommands } from './server.js';
import { userCommands } from './users.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('signet')
    .description('Signet, an OAuth 2 authorization platform')
    // set before adding commands so every subcommand inherits them: a test's run never exits the process
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  serverCommands(program, io);
  userCommands(program, io);
  appCommands(program, io);
  keystoreCommands(program, io);
  assetCommands(program, io);
  auditCommands(program, io);
  return program;
}

/** Runs one command line; returns the exit code. Errors become one line on stderr. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr(`signet: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

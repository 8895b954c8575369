#!/usr/bin/env node
// `signet-client`: sign in to Signet from a terminal and call its API. Built into dist/ by `npm ci`.
import { runClient } from '../dist/cli/signet-client.js';

process.exitCode = await runClient(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

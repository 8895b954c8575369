#!/usr/bin/env node
// The `signet` command. The TypeScript is built into dist/ by `npm ci` (the root `prepare`).
import { runCli } from '../dist/cli/index.js';

// `start` keeps the process alive through its server; every other command ends when its work does.
process.exitCode = await runCli(process.argv.slice(2));

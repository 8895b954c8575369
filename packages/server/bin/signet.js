#!/usr/bin/env node
// The `signet` command. The TypeScript is built into dist/ by `npm ci` (the root `prepare`).
import { setFlagsFromString } from 'node:v8';

// One clear line instead of a stack from deep inside a dependency: what Signet needs is checked first.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`signet: Node.js ${process.versions.node} is too old: use Node.js 22 or 24 (LTS)`);
  process.exit(1);
}

// V8's allocation-site pretenuring fed on itself in about half of server processes: once a few
// request objects were allocated straight into the old generation, the young ones they pointed
// to survived every scavenge until the next full collection, which pretenured more. A third of
// each request's allocations was then promoted, scavenges took 8-11 ms instead of 0.6 ms, and
// the whole process ran ~20% slower for its life (7 of 10 processes measured here; 0 of 20
// with the flag). Set before the server's modules load; cluster workers run this file too.
setFlagsFromString('--no-allocation-site-pretenuring');
const { runCli } = await import('../dist/cli/index.js');

// `start` keeps the process alive through its server; every other command ends when its work does.
process.exitCode = await runCli(process.argv.slice(2));

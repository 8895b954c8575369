// Child processes the bench starts: spawned, awaited until they print their URL, always stopped.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

const live = new Set();
const tempDirs = new Set();

/** Removes a temp dir at exit, whatever happens. */
export function removeAtExit(dir) {
  tempDirs.add(dir);
}

function cleanupNow() {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', cleanupNow);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanupNow();
    process.exit(130);
  });
}

/**
 * Starts `node <args>` and resolves with the first http://127.0.0.1:<port> URL it prints
 * (stdout or stderr). Rejects if the process exits or stays silent for `timeoutMs`.
 */
export function startListening(args, { env = {}, timeoutMs = 20_000 } = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => live.delete(child));
  const stop = async (graceMs = 5_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no URL from node ${args.join(' ')} within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`node ${args.join(' ')} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return url.then((address) => ({ url: address, stop, pid: child.pid }));
}

/** Runs `node <args>` to completion and returns its stdout; throws with its output on failure. */
export function runNode(args, { env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => {
      live.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`node ${args.join(' ')} failed (${code}):\n${stderr}${stdout}`));
    });
  });
}

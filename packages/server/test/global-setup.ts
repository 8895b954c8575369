import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The bin tests run the built CLI, as `npx signet` does: bring dist/ up to date first.
export default function setup(): void {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  execFileSync('npx', ['tsc', '-b', 'packages/protocol', 'packages/server', 'packages/sdk'], {
    cwd: root,
    stdio: 'inherit',
  });
}

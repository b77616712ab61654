import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds the command before its tests, as a user gets it (dist/main.js, run by bin/wallet.js),
 * from the workspace's current source: a stale build is never what is tested.
 */
export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  // The workspace's tsup, where pnpm installs the root's tools.
  const tsup = join(root, '..', '..', 'node_modules', '.bin', 'tsup');
  const result = spawnSync(tsup, [], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `building the wallet command failed: ${result.error?.message ?? ''}\n${result.stdout}\n${result.stderr}`,
    );
  }
}

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds the browser assets from the current source before the tests serve them. */
export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`building the console failed: ${result.stderr || result.error?.message}`);
  }
}

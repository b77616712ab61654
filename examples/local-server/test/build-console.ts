import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds the console's browser files, which the local server serves at /console/. */
export default function setup(): void {
  const script = join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    'packages',
    'console',
    'scripts',
    'build.mjs',
  );
  const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the console failed: ${result.stderr}`);
}

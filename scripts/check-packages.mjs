#!/usr/bin/env node
// Checks every publishable package as npm would ship it, after `pnpm build`: publint (the
// manifest, its files and exports) and, for packages with a library entry, Are the Types Wrong
// (each entry's types under every module resolution). Exits 1 on any problem; CI runs it.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const cwd = join(root, 'packages', dir);
  const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  const checks = [[bin('publint'), ['--strict']]];
  // A command (the `wallet` bin) has no library entry, so no types to check.
  if (manifest.exports?.['.'] !== undefined) {
    checks.push([bin('attw'), ['--pack', '.', '--format', 'ascii']]);
  }
  for (const [command, args] of checks) {
    const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
    if (result.status !== 0) {
      failed++;
      console.error(
        `${manifest.name}: ${command.split('/').pop()} failed\n${result.stdout}${result.stderr}`,
      );
    } else {
      console.log(`${manifest.name}: ${command.split('/').pop()} ok`);
    }
  }
}
process.exit(failed === 0 ? 0 : 1);

#!/usr/bin/env node
// The `wallet` command: the build in dist/ when there is one (as installed from npm); in this
// repository before `pnpm build`, the TypeScript source through tsx, so `npx wallet` works there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/main.js', import.meta.url);
if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const args = ['--conditions=@wallet/source', '--import', import.meta.resolve('tsx'), source];
  const result = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exitCode = result.status ?? 1;
}

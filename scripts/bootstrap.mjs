#!/usr/bin/env node
// `npm start` and `npm test` on a fresh clone with only Node.js and npm: fetch pnpm when it is
// missing, install the workspace when the lockfile changed, then run the asked-for job.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.4.2';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jobs = {
  start: ['--filter', '@wallet/example-local-server', 'start'],
  test: ['run', 'test:run'],
};

const job = process.argv[2];
if (!(job in jobs)) {
  console.error(`usage: bootstrap.mjs ${Object.keys(jobs).join('|')}`);
  process.exit(2);
}

const pnpm = findPnpm();
if (needsInstall()) run(pnpm, ['install', '--frozen-lockfile']);
const result = run(pnpm, [...jobs[job], ...process.argv.slice(3)], { allowFailure: true });
process.exit(result.status ?? 1);

function findPnpm() {
  const local = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (local.status === 0 && local.stdout.trim() === PNPM_VERSION) return ['pnpm'];
  return ['npx', '--yes', `pnpm@${PNPM_VERSION}`];
}

function needsInstall() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  if (!existsSync(marker)) return true;
  return statSync(join(root, 'pnpm-lock.yaml')).mtimeMs > statSync(marker).mtimeMs;
}

function run([command, ...prefix], args, { allowFailure = false } = {}) {
  const result = spawnSync(command, [...prefix, ...args], { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0 && !allowFailure) process.exit(result.status ?? 1);
  return result;
}

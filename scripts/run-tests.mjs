#!/usr/bin/env node
// Runs every vitest project once and ends with the totals alone on one line,
// `N passed, N failed`, which CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, '.test-results');
const report = join(resultsDir, 'vitest.json');
mkdirSync(resultsDir, { recursive: true });
rmSync(report, { force: true });

// The workspace's own vitest: pnpm itself may only be reachable through npx here.
const vitest = spawnSync(
  join(root, 'node_modules', '.bin', 'vitest'),
  [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  // A file that fails to load counts as a failure even though it ran no test.
  failed =
    results.numFailedTests +
    results.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0)
      .length;
} else {
  failed = 1;
}
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && vitest.status === 0 ? 0 : 1);

#!/usr/bin/env node
// Runs every vitest project once and ends with the totals alone on one line,
// `N passed, N failed`, which CI reads.
//
// WALLET_TEST_NODES names more Node.js binaries (separated by ":") to run the whole suite on
// as well, one after another; the totals then add up every run. CI sets it to a Node 22 beside
// the machine's Node 20.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, '.test-results');
mkdirSync(resultsDir, { recursive: true });
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const nodes = [
  process.execPath,
  ...(process.env.WALLET_TEST_NODES ?? '').split(':').filter((path) => path !== ''),
];

let passed = 0;
let failed = 0;
for (const [index, node] of nodes.entries()) {
  const report = join(resultsDir, index === 0 ? 'vitest.json' : `vitest-${index}.json`);
  rmSync(report, { force: true });
  if (nodes.length > 1) console.log(`\n=== the test suite on ${node} ===\n`);
  const run = spawnSync(
    node,
    [
      vitest,
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...process.argv.slice(2),
    ],
    {
      cwd: root,
      stdio: 'inherit',
      // Scripts the tests start with `#!/usr/bin/env node` (tsup, the CLI) use the same Node.
      env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` },
    },
  );
  let runFailed = 0;
  if (existsSync(report)) {
    const results = JSON.parse(readFileSync(report, 'utf8'));
    passed += results.numPassedTests;
    // A file that fails to load counts as a failure even though it ran no test.
    runFailed =
      results.numFailedTests +
      results.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0)
        .length;
  } else {
    runFailed = 1;
  }
  if (run.status !== 0 && runFailed === 0) runFailed = 1;
  failed += runFailed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

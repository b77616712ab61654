import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

it('the long-run command runs a short faulty bank test on a store and reports zero violations', () => {
  const output = execFileSync(
    process.execPath,
    [
      '--conditions=@wallet/source',
      '--import',
      'tsx',
      'src/bank-run.ts',
      '--store',
      'pglite',
      '--seconds',
      '2',
      '--workers',
      '4',
      '--wallets',
      '4',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  const report = JSON.parse(output);
  expect(report).toMatchObject({ store: 'pglite', violations: 0 });
  expect(report.calls).toBeGreaterThan(0);
  expect(
    report.faults.failedAfter + report.faults.failedBefore + report.faults.conflicts,
  ).toBeGreaterThan(0);
}, 60_000);

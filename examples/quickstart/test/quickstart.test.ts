import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const source = readFileSync(join(root, 'src', 'quickstart.ts'), 'utf8');

it('is the example the README shows, line for line', () => {
  const readme = readFileSync(join(root, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain(source.trim());
});

it('runs: applies the retried credit once, holds and captures, trades, refunds, refuses the overdraft, and verifies the wallet', () => {
  const output = execFileSync(
    process.execPath,
    ['--conditions=@wallet/source', '--import', 'tsx', join(root, 'src', 'quickstart.ts')],
    { cwd: root, encoding: 'utf8' },
  );
  expect(output).toContain('refused: 250 GEMS left');
  expect(output).toMatch(/1 CREDIT 500 GEMS [0-9a-f]{12}/);
  expect(output).toMatch(/3 EXCHANGE_IN 12\.50 GOLD/);
  expect(output).toMatch(/4 HOLD 50 GEMS/);
  expect(output).toMatch(/5 HOLD_CAPTURE 50 GEMS/);
  expect(output).toMatch(/6 POSTING_OUT 100 GEMS/);
  expect(output).toMatch(/7 CREDIT 20 GEMS/);
  expect(output).toMatch(/8 REVERSAL_DEBIT 20 GEMS/);
  expect(output).not.toMatch(/^9 /m);
  expect(output).toContain("balances: { GEMS: '250', GOLD: '12.50' }");
  expect(output).toContain("held: { GEMS: '0', GOLD: '0.00' }");
  expect(output).toContain('ok: true');
}, 60_000);

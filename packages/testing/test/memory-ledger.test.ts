import { createMemoryHistory, createMemoryLedger } from '@wallet/core';
import { tamperJournal, tamperWallet } from '@wallet/core/testing';
import {
  HISTORY_STORE_TESTS,
  historyStoreSuite,
  LEDGER_PORT_TESTS,
  LEDGER_STORE_TESTS,
  ledgerPortSuite,
  ledgerStoreSuite,
} from '@wallet/testing';
import { describe, expect, it, type RunnerTask, type RunnerTestFile } from 'vitest';

for (const coalesce of [false, true]) {
  ledgerStoreSuite({
    name: 'memory',
    tamper: true,
    service: { coalesce },
    createLedger: () => {
      const ledger = createMemoryLedger();
      return {
        ledger,
        tamper: {
          rewriteJournal: (accountId, edit) => tamperJournal(ledger, accountId, edit),
          rewriteWallet: (accountId, edit) => tamperWallet(ledger, accountId, edit),
        },
      };
    },
  });
}

ledgerPortSuite({
  name: 'memory',
  createLedger: () => ({ ledger: createMemoryLedger() }),
  skip: {
    'listHeads lists the heads listWallets would, three fields each':
      'listWallets hands out the stored records as they are: a page of heads would cost more',
  },
});

historyStoreSuite({ name: 'memory', createHistory: () => ({ history: createMemoryHistory() }) });

// The lists type each suite's `skip` and its registrar, so a title missing from its list fails
// the typecheck; what the type cannot see is a name listed for a test that no longer exists, or
// the order. The runs above register every test the memory stores pass, so they show both.
describe('the lists of test names', () => {
  it('LEDGER_STORE_TESTS names every test ledgerStoreSuite registers, once each, in the order they run', ({
    task,
  }) => {
    expect(new Set(LEDGER_STORE_TESTS).size).toBe(LEDGER_STORE_TESTS.length);
    for (const name of [
      'LedgerStore conformance: memory',
      'LedgerStore conformance: memory (coalescing)',
    ]) {
      expect(titlesIn(task.file, name)).toEqual(LEDGER_STORE_TESTS);
    }
  });

  it('HISTORY_STORE_TESTS names every test historyStoreSuite registers, once each, in the order they run', ({
    task,
  }) => {
    expect(new Set(HISTORY_STORE_TESTS).size).toBe(HISTORY_STORE_TESTS.length);
    expect(titlesIn(task.file, 'HistoryStore conformance: memory')).toEqual(HISTORY_STORE_TESTS);
  });

  it('LEDGER_PORT_TESTS names every test ledgerPortSuite registers but the one the memory ledger skips, in the order they run', ({
    task,
  }) => {
    const skipped = 'listHeads lists the heads listWallets would, three fields each';
    expect(titlesIn(task.file, 'LedgerStore port: memory')).toEqual(
      LEDGER_PORT_TESTS.filter((name) => name !== skipped),
    );
  });
});

/** The titles of the tests registered under the top-level suite `name`, in the order they run. */
function titlesIn(file: RunnerTestFile, name: string): string[] {
  const suite = file.tasks.find((task) => task.name === name);
  if (suite === undefined) throw new Error(`no suite named ${name}`);
  const titles = (task: RunnerTask): string[] =>
    task.type === 'suite' ? task.tasks.flatMap(titles) : [task.name];
  return titles(suite);
}

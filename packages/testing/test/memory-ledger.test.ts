import { createMemoryHistory, createMemoryLedger } from '@wallet/core';
import { historyStoreSuite, ledgerStoreSuite } from '@wallet/testing';

for (const coalesce of [false, true]) {
  ledgerStoreSuite({
    name: 'memory',
    tamper: true,
    service: { coalesce },
    createLedger: () => {
      const ledger = createMemoryLedger();
      return { ledger, tamper: { rewriteJournal: ledger.tamperJournal } };
    },
  });
}

historyStoreSuite({ name: 'memory', createHistory: () => ({ history: createMemoryHistory() }) });

import { createMemoryHistory, createMemoryLedger } from '@wallet/core';
import { historyStoreSuite, ledgerStoreSuite } from '@wallet/testing';

ledgerStoreSuite({
  name: 'memory',
  tamper: true,
  createLedger: () => {
    const ledger = createMemoryLedger();
    return { ledger, tamper: { rewriteJournal: ledger.tamperJournal } };
  },
});

historyStoreSuite({ name: 'memory', createHistory: () => ({ history: createMemoryHistory() }) });

import { createMemoryHistory, createMemoryLedger } from '@wallet/core';
import { historyStoreSuite, ledgerPortSuite, ledgerStoreSuite } from '@wallet/testing';

for (const coalesce of [false, true]) {
  ledgerStoreSuite({
    name: 'memory',
    tamper: true,
    service: { coalesce },
    createLedger: () => {
      const ledger = createMemoryLedger();
      return {
        ledger,
        tamper: { rewriteJournal: ledger.tamperJournal, rewriteWallet: ledger.tamperWallet },
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

import { ledgerPortSuite, ledgerStoreSuite } from '@wallet/testing';
import { qldbFixture } from './qldb-fixture.js';

// Coalescing with no maxBatch: the ledger's own limit keeps batches within QLDB's quota.
for (const coalesce of [false, true]) {
  ledgerStoreSuite({
    name: 'qldb',
    tamper: true,
    service: { coalesce },
    createLedger: () => qldbFixture(),
  });
}

ledgerPortSuite({
  name: 'qldb',
  createLedger: () => qldbFixture(),
  skip: {
    'queryJournals reads several journals in (account id, sequence) order':
      'the QLDB ledger reads journals one wallet at a time (QLDB has no range reads to batch them)',
    'listHeads lists the heads listWallets would, three fields each':
      'the QLDB ledger lists heads with listWallets: QLDB reads whole documents',
    'countWallets counts the wallets of a prefix':
      'the QLDB ledger counts by listing (QLDB has no count over an index range)',
  },
});

import { HOT_WALLET_TESTS, ledgerPortSuite, ledgerStoreSuite } from '@wallet/testing';
import { qldbFixture } from './qldb-fixture.js';

/**
 * Why QLDB runs no hot wallet: a consolidation of even one sub-account in the suite's three
 * currencies without a maxBalance (8 documents), beside the largest operation (a 16-leg posting,
 * 34), is more than its 40 documents a transaction, so the service refuses the declaration.
 */
const NO_HOT_WALLETS =
  "QLDB's 40 documents a transaction cannot hold a hot wallet's consolidation in the suite's three currencies beside a 16-leg posting; the service refuses the declaration";

// Coalescing with no maxBatch: the ledger's own limit keeps batches within QLDB's quota.
for (const coalesce of [false, true]) {
  ledgerStoreSuite({
    name: 'qldb',
    tamper: true,
    service: { coalesce },
    createLedger: () => qldbFixture(),
    skip: Object.fromEntries(HOT_WALLET_TESTS.map((name) => [name, NO_HOT_WALLETS])),
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

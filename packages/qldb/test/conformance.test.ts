import { ledgerStoreSuite } from '@wallet/testing';
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

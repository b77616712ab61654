import { ledgerStoreSuite } from '@wallet/testing';
import { qldbFixture } from './qldb-fixture.js';

for (const coalesce of [false, { maxBatch: 20 }]) {
  ledgerStoreSuite({
    name: 'qldb',
    tamper: true,
    service: { coalesce },
    createLedger: () => qldbFixture(),
  });
}

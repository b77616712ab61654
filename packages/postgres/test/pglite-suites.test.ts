import { PGlite } from '@electric-sql/pglite';
import { historyStoreSuite, ledgerPortSuite, ledgerStoreSuite } from '@wallet/testing';
import { createPostgresLedger } from '../src/index.js';
import { sqlTamperHooks } from './support/postgres-server.js';

for (const coalesce of [false, true]) {
  ledgerStoreSuite({
    name: 'pglite',
    tamper: true,
    service: { coalesce },
    createLedger: async () => {
      const db = new PGlite();
      const ledger = createPostgresLedger({ client: db });
      await ledger.migrate();
      return { ledger, tamper: sqlTamperHooks(db, ledger.schema), close: () => db.close() };
    },
  });
}

ledgerPortSuite({
  name: 'pglite',
  createLedger: async () => {
    const db = new PGlite();
    const ledger = createPostgresLedger({ client: db });
    await ledger.migrate();
    return { ledger, close: () => db.close() };
  },
});

historyStoreSuite({
  name: 'pglite',
  createHistory: async () => {
    const db = new PGlite();
    const history = createPostgresLedger({ client: db });
    await history.migrate();
    return { history, close: () => db.close() };
  },
});

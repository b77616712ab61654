import { historyStoreSuite, ledgerStoreSuite } from '@wallet/testing';
import { createPostgresLedger } from '../src/index.js';
import {
  dropSchema,
  requireServer,
  sqlTamperHooks,
  testPool,
  uniqueSchema,
} from './support/postgres-server.js';

await requireServer();

for (const coalesce of [false, true]) {
  ledgerStoreSuite({
    name: 'postgres',
    tamper: true,
    bankTestMs: 3000,
    service: { coalesce },
    createLedger: async () => {
      const pool = testPool(24);
      const schema = uniqueSchema('ledger');
      const ledger = createPostgresLedger({ client: pool, schema });
      await ledger.migrate();
      return {
        ledger,
        tamper: sqlTamperHooks(pool, schema),
        close: async () => {
          await dropSchema(pool, schema);
          await pool.end();
        },
      };
    },
  });
}

historyStoreSuite({
  name: 'postgres',
  createHistory: async () => {
    const pool = testPool(4);
    const schema = uniqueSchema('history');
    const history = createPostgresLedger({ client: pool, schema });
    await history.migrate();
    return {
      history,
      close: async () => {
        await dropSchema(pool, schema);
        await pool.end();
      },
    };
  },
});

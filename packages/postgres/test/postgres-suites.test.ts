import { historyStoreSuite, ledgerPortSuite, ledgerStoreSuite } from '@wallet/testing';
import { createPostgresLedger } from '../src/index.js';
import {
  dropSchema,
  requireServer,
  sqlTamperHooks,
  testPool,
  uniqueSchema,
} from './support/postgres-server.js';

await requireServer();

// Prepared statements (the default) with and without coalescing, and the plain statements.
for (const { coalesce, preparedStatements } of [
  { coalesce: false, preparedStatements: true },
  { coalesce: true, preparedStatements: true },
  { coalesce: false, preparedStatements: false },
]) {
  ledgerStoreSuite({
    name: preparedStatements ? 'postgres' : 'postgres, plain statements',
    tamper: true,
    bankTestMs: 3000,
    service: { coalesce },
    createLedger: async () => {
      const pool = testPool(24);
      const schema = uniqueSchema('ledger');
      const ledger = createPostgresLedger({ client: pool, schema, preparedStatements });
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

for (const preparedStatements of [true, false]) {
  ledgerPortSuite({
    name: preparedStatements ? 'postgres' : 'postgres, plain statements',
    createLedger: async () => {
      const pool = testPool(20);
      const schema = uniqueSchema('port');
      const ledger = createPostgresLedger({ client: pool, schema, preparedStatements });
      await ledger.migrate();
      return {
        ledger,
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

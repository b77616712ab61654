import type { Instrumentation, LedgerTransaction, StoreRetryEvent } from '@wallet/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresLedger, type PostgresLedger } from '../src/index.js';
import { interceptedPool } from './support/intercepted-pool.js';
import { dropSchema, requireServer, testPool, uniqueSchema } from './support/postgres-server.js';

await requireServer();

/**
 * A transaction that stores version 1 of ledger record `key`, or the next version when it
 * exists. It names no wallet, so it locks nothing: two of them read concurrently and race on
 * the record's primary key.
 */
function putOrBump(key: string): LedgerTransaction<number> {
  return {
    accountIds: [],
    idempotencyKeys: [],
    recordKeys: [key],
    decide(snapshot) {
      const version = (snapshot.records.get(key)?.version ?? 0) + 1;
      return {
        write: {
          wallets: [],
          entries: [],
          idempotency: [],
          records: [{ key, version, data: { version } }],
        },
        result: version,
      };
    },
  };
}

describe('instrumentation.onRetry on PostgreSQL', () => {
  const schema = uniqueSchema('retry_events');
  let pool: pg.Pool;
  let admin: pg.Pool;
  let key = 0;

  beforeAll(async () => {
    pool = testPool(4);
    admin = testPool(1);
    await createPostgresLedger({ client: pool, schema }).migrate();
  });

  afterAll(async () => {
    await dropSchema(admin, schema);
    await Promise.all([pool.end(), admin.end()]);
  });

  /**
   * A ledger whose first two transactions both finish their read before either writes: each
   * read sees no record, both insert version 1, and the server refuses the second insert
   * (unique violation), which the ledger retries on a fresh snapshot.
   */
  function racingLedger(instrumentation: Instrumentation): PostgresLedger {
    let reads = 0;
    let bothRead: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      bothRead = resolve;
    });
    const client = interceptedPool(pool, async (text, forward) => {
      if (!text.startsWith('BEGIN') || reads >= 2) return forward();
      const result = await forward();
      if (++reads === 2) bothRead();
      await barrier;
      return result;
    });
    return createPostgresLedger({
      client,
      schema,
      instrumentation,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
  }

  async function race(ledger: PostgresLedger) {
    const record = `record-${++key}`;
    const results = await Promise.all([
      ledger.transact(putOrBump(record)),
      ledger.transact(putOrBump(record)),
    ]);
    return { results, stored: await ledger.getRecord(record) };
  }

  it("tells onRetry of a conflict between concurrent writers, with store 'postgres', kind, retry count and the server's error", async () => {
    const events: StoreRetryEvent[] = [];
    const ledger = racingLedger({ onRetry: (event) => events.push(event) });
    const { results, stored } = await race(ledger);
    expect(results.sort()).toEqual([1, 2]);
    expect(stored?.version).toBe(2);
    expect(events).toEqual([
      {
        store: 'postgres',
        kind: 'conflict',
        retry: 1,
        delayMs: expect.any(Number),
        error: expect.objectContaining({ code: '23505' }),
      },
    ]);
    expect(events[0]?.error).toBeInstanceOf(pg.DatabaseError);
  });

  it('commits the retried write as without instrumentation when onRetry throws', async () => {
    let told = 0;
    const ledger = racingLedger({
      onRetry() {
        told++;
        throw new Error('metrics are down');
      },
    });
    const { results, stored } = await race(ledger);
    expect(told).toBe(1);
    expect(results.sort()).toEqual([1, 2]);
    expect(stored).toEqual({ key: `record-${key}`, version: 2, data: { version: 2 } });
  });
});

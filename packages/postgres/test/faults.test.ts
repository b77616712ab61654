import { createWalletService, isWalletError, type WalletService } from '@wallet/core';
import { expectWalletError, SUITE_CURRENCIES, uniqueIds } from '@wallet/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgPoolLike } from '../src/client.js';
import { createPostgresLedger, type PostgresLedger } from '../src/index.js';
import {
  connectionLost,
  type Interceptor,
  interceptedPool,
  isLockingRead,
  isWrite,
} from './support/intercepted-pool.js';
import { dropSchema, requireServer, testPool, uniqueSchema } from './support/postgres-server.js';

await requireServer();

describe('PostgreSQL faults', () => {
  const schema = uniqueSchema('faults');
  const ids = uniqueIds('faults');
  let pool: pg.Pool;
  let admin: pg.Pool;
  let plain: WalletService;
  /** What the next intercepted statement does; statements pass through when unset. */
  let fault: Interceptor | undefined;

  function serviceOn(client: PgPoolLike, maxAttempts?: number): WalletService {
    const ledger = createPostgresLedger({
      client,
      schema,
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
    });
    return createWalletService({ ledger, currencies: SUITE_CURRENCIES });
  }

  const faulty = () =>
    serviceOn(
      interceptedPool(pool, (text, forward, client) =>
        fault ? fault(text, forward, client) : forward(),
      ),
    );

  async function fundedPair(): Promise<[string, string]> {
    const from = ids.account('from');
    const to = ids.account('to');
    await plain.createWallet({ accountId: from });
    await plain.createWallet({ accountId: to });
    await plain.addFunds({ accountId: from, amount: '100' });
    return [from, to];
  }

  async function state(accountId: string) {
    const wallet = await plain.getFunds({ accountId });
    const history = await plain.getTransactionHistory({ accountId, order: 'asc', limit: 1000 });
    const verified = await plain.verifyWallet({ accountId });
    return {
      gems: wallet.balances.GEMS,
      version: wallet.version,
      entries: history.items.length,
      ok: verified.ok,
    };
  }

  /** Terminates the backend of `client` from another connection and waits until it is gone. */
  async function killBackend(client: pg.PoolClient): Promise<void> {
    const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid')).rows;
    const dropped = new Promise<void>((resolve) => client.once('error', () => resolve()));
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await dropped;
  }

  beforeAll(async () => {
    pool = testPool(8);
    admin = testPool(2);
    const ledger: PostgresLedger = createPostgresLedger({ client: pool, schema });
    await ledger.migrate();
    plain = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
  });

  afterAll(async () => {
    await dropSchema(admin, schema);
    await Promise.all([pool.end(), admin.end()]);
  });

  it('a backend killed between the locking read and the write leaves no partial write and fails with STORE_UNAVAILABLE', async () => {
    const [from, to] = await fundedPair();
    const service = faulty();
    fault = async (text, forward, client) => {
      if (!isLockingRead(text)) return forward();
      fault = undefined;
      const read = await forward();
      await killBackend(client);
      return read;
    };
    const error = await expectWalletError(
      service.transfer({ fromAccountId: from, toAccountId: to, amount: '30' }),
      'STORE_UNAVAILABLE',
    );
    expect(error.cause).toBeDefined();
    expect(await state(from)).toEqual({ gems: '100', version: 1, entries: 1, ok: true });
    expect(await state(to)).toEqual({ gems: '0', version: 0, entries: 0, ok: true });
  });

  it('a server error inside the write script stops it before its COMMIT: nothing is written, and the connection is rolled back and reused', async () => {
    const [from, to] = await fundedPair();
    const service = faulty();
    fault = async (text, forward) => {
      if (!isWrite(text)) return forward();
      fault = undefined;
      expect(text).toMatch(/;\nCOMMIT$/);
      return forward(text.replace(/;\nCOMMIT$/, ';\nSELECT 1 / 0;\nCOMMIT'));
    };
    await expect(
      service.transfer({ fromAccountId: from, toAccountId: to, amount: '30' }),
    ).rejects.toMatchObject({ code: '22012' });
    expect(await state(from)).toEqual({ gems: '100', version: 1, entries: 1, ok: true });
    expect(await state(to)).toEqual({ gems: '0', version: 0, entries: 0, ok: true });
    // Every pooled connection is still usable: none was left inside the failed transaction.
    const transfers = Array.from({ length: 16 }, () =>
      service.transfer({ fromAccountId: from, toAccountId: to, amount: '1' }),
    );
    await Promise.all(transfers);
    expect(await state(from)).toMatchObject({ gems: '84', entries: 17, ok: true });
  });

  it('a serialization failure raised by the server inside the write script is retried on a fresh snapshot and applies once', async () => {
    const [from, to] = await fundedPair();
    const service = faulty();
    fault = async (text, forward) => {
      if (!isWrite(text)) return forward();
      fault = undefined;
      const raise = `DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '40001'; END $$`;
      return forward(text.replace(/;\nCOMMIT$/, () => `;\n${raise};\nCOMMIT`));
    };
    const result = await service.transfer({ fromAccountId: from, toAccountId: to, amount: '30' });
    expect(result.from.currentBalance).toBe('70');
    expect(await state(from)).toEqual({ gems: '70', version: 2, entries: 2, ok: true });
    expect(await state(to)).toEqual({ gems: '30', version: 1, entries: 1, ok: true });
  });

  it('a backend killed as the write and its COMMIT go out is OUTCOME_UNKNOWN with no partial write, and a retry with the same key applies once', async () => {
    const [from, to] = await fundedPair();
    const service = faulty();
    const idempotencyKey = ids.key();
    const request = { fromAccountId: from, toAccountId: to, amount: '30', idempotencyKey };
    fault = async (text, forward, client) => {
      if (isWrite(text)) {
        fault = undefined;
        await killBackend(client);
      }
      return forward();
    };
    await expectWalletError(service.transfer(request), 'OUTCOME_UNKNOWN');
    expect(await state(from)).toMatchObject({ gems: '100', entries: 1, ok: true });
    expect(await state(to)).toMatchObject({ gems: '0', entries: 0, ok: true });

    const retried = await service.transfer(request);
    expect(retried.replayed).toBe(false);
    expect(await service.transfer(request)).toEqual({ ...retried, replayed: true });
    expect(await state(from)).toEqual({ gems: '70', version: 2, entries: 2, ok: true });
    expect(await state(to)).toEqual({ gems: '30', version: 1, entries: 1, ok: true });
  });

  it('a connection lost after the write and its COMMIT were applied is OUTCOME_UNKNOWN with the driver error as cause, and a retry with the same key replays instead of applying twice', async () => {
    const [from, to] = await fundedPair();
    const service = faulty();
    const idempotencyKey = ids.key();
    const request = { fromAccountId: from, toAccountId: to, amount: '30', idempotencyKey };
    const lost = connectionLost();
    fault = async (text, forward) => {
      if (!isWrite(text)) return forward();
      fault = undefined;
      await forward();
      throw lost;
    };
    const error = await expectWalletError(service.transfer(request), 'OUTCOME_UNKNOWN');
    expect(error.cause).toBe(lost);
    expect(isWalletError(error) && error.retryable).toBe(true);

    const retried = await service.transfer(request);
    expect(retried.replayed).toBe(true);
    expect(await state(from)).toEqual({ gems: '70', version: 2, entries: 2, ok: true });
    expect(await state(to)).toEqual({ gems: '30', version: 1, entries: 1, ok: true });
  });

  it('a connection lost while the write and its COMMIT were in flight, before the server got them, is OUTCOME_UNKNOWN, and a retry with the same key applies once', async () => {
    const [from, to] = await fundedPair();
    const service = faulty();
    const idempotencyKey = ids.key();
    const request = { fromAccountId: from, toAccountId: to, amount: '30', idempotencyKey };
    fault = async (text, forward) => {
      if (!isWrite(text)) return forward();
      fault = undefined;
      throw connectionLost();
    };
    await expectWalletError(service.transfer(request), 'OUTCOME_UNKNOWN');
    const retried = await service.transfer(request);
    expect(retried.replayed).toBe(false);
    expect(await state(from)).toEqual({ gems: '70', version: 2, entries: 2, ok: true });
    expect(await state(to)).toEqual({ gems: '30', version: 1, entries: 1, ok: true });
  });

  it('retries serialization failures and deadlocks with backoff, and succeeds once they stop', async () => {
    const [from] = await fundedPair();
    const service = faulty();
    const states = ['40001', '40P01', '55P03', '23505'];
    fault = async (text, forward) => {
      if (!isWrite(text)) return forward();
      const code = states.shift();
      if (code === undefined) return forward();
      throw Object.assign(new Error(`simulated ${code}`), { code, severity: 'ERROR' });
    };
    const result = await service.withdrawFunds({ accountId: from, amount: '1' });
    expect(result.currentBalance).toBe('99');
    expect(states).toEqual([]);
    fault = undefined;
  });

  it('gives up with CONCURRENCY_CONFLICT after maxAttempts conflicts, keeping the last database error as cause', async () => {
    const [from] = await fundedPair();
    const service = serviceOn(
      interceptedPool(pool, async (text, forward) => {
        if (!isWrite(text)) return forward();
        throw Object.assign(new Error('simulated deadlock'), { code: '40P01', severity: 'ERROR' });
      }),
      3,
    );
    const error = await expectWalletError(
      service.withdrawFunds({ accountId: from, amount: '1' }),
      'CONCURRENCY_CONFLICT',
    );
    expect(error).toMatchObject({ attempts: 3, cause: { code: '40P01' } });
    expect(await state(from)).toMatchObject({ gems: '100', entries: 1 });
  });

  it('takes the retry option of every ledger: retry.maxConflictAttempts wins over maxAttempts', async () => {
    const [from] = await fundedPair();
    let writes = 0;
    const ledger = createPostgresLedger({
      client: interceptedPool(pool, async (text, forward) => {
        if (!isWrite(text)) return forward();
        writes++;
        throw Object.assign(new Error('simulated deadlock'), { code: '40P01', severity: 'ERROR' });
      }),
      schema,
      maxAttempts: 7,
      retry: { maxConflictAttempts: 2, baseDelayMs: 0 },
    });
    const service = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
    const error = await expectWalletError(
      service.withdrawFunds({ accountId: from, amount: '1' }),
      'CONCURRENCY_CONFLICT',
    );
    expect(error).toMatchObject({ attempts: 2, cause: { code: '40P01' } });
    expect(writes).toBe(2);
    expect(() => createPostgresLedger({ client: pool, retry: { maxConflictAttempts: 0 } })).toThrow(
      RangeError,
    );
  });

  it('retries a server it cannot reach only when retry.maxUnavailableRetries is set', async () => {
    const refused = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'postgres' });
    let connects = 0;
    const counted: PgPoolLike = {
      connect: () => {
        connects++;
        return refused.connect();
      },
    };
    try {
      for (const [retry, expected] of [
        [undefined, 1],
        [{ maxUnavailableRetries: 2, baseDelayMs: 0 }, 3],
      ] as const) {
        connects = 0;
        const ledger = createPostgresLedger({
          client: counted,
          schema,
          ...(retry ? { retry } : {}),
        });
        const service = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
        await expectWalletError(
          service.createWallet({ accountId: ids.account() }),
          'STORE_UNAVAILABLE',
        );
        expect(connects).toBe(expected);
      }
    } finally {
      await refused.end();
    }
  });

  it('refused connections are STORE_UNAVAILABLE, for transactions, reads and migrate()', async () => {
    const refused = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'postgres' });
    try {
      const ledger = createPostgresLedger({ client: refused, schema });
      const service = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
      const error = await expectWalletError(
        service.createWallet({ accountId: ids.account() }),
        'STORE_UNAVAILABLE',
      );
      expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
      await expectWalletError(service.getFunds({ accountId: ids.account() }), 'STORE_UNAVAILABLE');
      await expectWalletError(ledger.migrate(), 'STORE_UNAVAILABLE');
    } finally {
      await refused.end();
    }
  });

  it('a schema that was never migrated is STORE_UNAVAILABLE telling the operator to run migrate()', async () => {
    const ledger = createPostgresLedger({ client: pool, schema: uniqueSchema('absent') });
    const service = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
    const error = await expectWalletError(
      service.createWallet({ accountId: ids.account() }),
      'STORE_UNAVAILABLE',
    );
    expect(error.message).toMatch(/migrate\(\)/);
  });

  it('never deadlocks on transfers in opposite directions between the same wallets', async () => {
    const [a, b] = await fundedPair();
    await plain.addFunds({ accountId: b, amount: '100' });
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0
          ? plain.transfer({ fromAccountId: a, toAccountId: b, amount: '1' })
          : plain.transfer({ fromAccountId: b, toAccountId: a, amount: '1' }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await state(a)).toMatchObject({ gems: '100', entries: 61, ok: true });
    expect(await state(b)).toMatchObject({ gems: '100', entries: 61, ok: true });
  });
});

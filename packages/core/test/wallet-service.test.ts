import {
  createMemoryLedger,
  createWalletService,
  type IdempotencyRecord,
  type JsonValue,
  type LedgerStore,
  type Metadata,
  newTransactionId,
  renderAmount,
  requestFingerprint,
} from '@wallet/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const currencies = [
  { code: 'GOLD', scale: 2 },
  { code: 'GEMS', scale: 0 },
];

/** A memory ledger that also keeps every idempotency record the service wrote. */
function recordingLedger(): { ledger: LedgerStore; keys: IdempotencyRecord[] } {
  const memory = createMemoryLedger();
  const keys: IdempotencyRecord[] = [];
  const ledger: LedgerStore = {
    ...memory,
    transact: (transaction) =>
      memory.transact({
        ...transaction,
        decide(snapshot) {
          const decision = transaction.decide(snapshot);
          keys.push(...(decision.write?.idempotency ?? []));
          return decision;
        },
      }),
  };
  return { ledger, keys };
}

/** True when every string of a JSON value is well-formed Unicode without U+0000. */
function storable(value: unknown): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is what it looks for.
  if (typeof value === 'string') return !/[\p{Cs}\u0000]/u.test(value);
  if (Array.isArray(value)) return value.every(storable);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).every(([name, member]) => storable(name) && storable(member));
  }
  return true;
}

describe('strings', () => {
  it('metadata holding any lone surrogate or U+0000, however deep, is refused with VALIDATION_ERROR and nothing is written', async () => {
    const bad = fc.oneof(
      fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\ud83d', '\ude00b'),
      fc.tuple(fc.string(), fc.constantFrom('\u0000', '\udbff')).map(([a, b]) => a + b),
    );
    const holder = fc.oneof(
      bad.map((text) => ({ note: text })),
      bad.map((text) => ({ [text]: 1 })),
      bad.map((text) => ({ list: [1, { deep: [text] }] })),
    );
    await fc.assert(
      fc.asyncProperty(holder, async (metadata) => {
        const { ledger, keys } = recordingLedger();
        const service = createWalletService({ ledger, currencies });
        await service.createWallet({ accountId: 'p1' });
        await expect(
          service.addFunds({ accountId: 'p1', amount: '1', metadata, idempotencyKey: 'k' }),
        ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
        await expect(service.createWallet({ accountId: 'p2', metadata })).rejects.toMatchObject({
          code: 'VALIDATION_ERROR',
        });
        expect(keys).toEqual([]);
        expect((await service.getFunds({ accountId: 'p1' })).version).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('metadata nested up to 32 levels is stored; one level more is refused with VALIDATION_ERROR and nothing is written, brackets in strings not counted', async () => {
    /** `depth` levels: the object itself, then objects and arrays in turn, `leaf` innermost. */
    const nested = (depth: number, leaf: string): Metadata => {
      let value: JsonValue = leaf;
      for (let level = depth; level > 1; level--) value = level % 2 ? { n: value } : [value];
      return { n: value };
    };
    const text = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a') });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), text, async (depth, leaf) => {
        const { ledger, keys } = recordingLedger();
        const service = createWalletService({ ledger, currencies });
        await service.createWallet({ accountId: 'p1' });
        const metadata = nested(depth, leaf);
        const credit = service.addFunds({
          accountId: 'p1',
          amount: '1',
          metadata,
          idempotencyKey: 'k',
        });
        if (depth <= 32) {
          await credit;
          const [entry] = (await service.getTransactionHistory({ accountId: 'p1' })).items;
          expect(entry!.metadata).toEqual(metadata);
        } else {
          await expect(credit).rejects.toMatchObject({
            code: 'VALIDATION_ERROR',
            details: { field: 'metadata' },
          });
          expect(keys).toEqual([]);
          expect((await service.getFunds({ accountId: 'p1' })).version).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a key of printable ASCII is stored with the wallet it is scoped to and no other change', async () => {
    const { ledger, keys } = recordingLedger();
    const service = createWalletService({ ledger, currencies });
    await service.createWallet({ accountId: 'p1' });
    const key = `!"#$%&'()*+,-./09:;<=>?@AZ[\\]^_\`az{|}~`;
    await service.addFunds({ accountId: 'p1', amount: '1', idempotencyKey: key });
    await service.addFunds({
      accountId: 'p1',
      amount: '2',
      idempotencyKey: key,
      idempotencyNamespace: 'player:p1',
    });
    expect(keys.map((record) => record.key)).toEqual([`p1 ${key}`, `p1 ${key} player:p1`]);
    const { items } = await service.getTransactionHistory({ accountId: 'p1', order: 'asc' });
    expect(items.map((entry) => entry.idempotencyKey)).toEqual([key, key]);
  });
});

describe('request fingerprints', () => {
  it('are requestFingerprint of the normalized request for any deposit or withdrawal', async () => {
    const requests = fc.record({
      operation: fc.constantFrom('addFunds' as const, 'withdrawFunds' as const),
      accountId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/),
      currency: fc.constantFrom('GOLD', 'GEMS'),
      units: fc.bigInt({ min: 1n, max: 10n ** 15n }),
      metadata: fc.option(
        (fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()) as fc.Arbitrary<Metadata>)
          // Core refuses strings no store can hold as hashed; those are tested apart.
          .filter((value) => storable(value)),
        { nil: null },
      ),
    });
    await fc.assert(
      fc.asyncProperty(requests, async ({ operation, accountId, currency, units, metadata }) => {
        const { ledger, keys } = recordingLedger();
        const service = createWalletService({ ledger, currencies });
        await service.createWallet({ accountId });
        const amount = renderAmount(units, currency === 'GOLD' ? 2 : 0);
        if (operation === 'withdrawFunds') {
          await service.addFunds({ accountId, currency, amount });
        }
        await service[operation]({ accountId, currency, amount, metadata, idempotencyKey: 'k' });
        // Metadata is stored as its canonical JSON parsed back, and fingerprinted the same way.
        const normalized = metadata === null ? null : JSON.parse(JSON.stringify(metadata));
        expect(keys.map((record) => record.fingerprint)).toEqual([
          requestFingerprint({ operation, accountId, currency, amount, metadata: normalized }),
        ]);
      }),
      { numRuns: 200 },
    );
  });

  it('are requestFingerprint of the normalized request for transfers and exchanges', async () => {
    const { ledger, keys } = recordingLedger();
    const service = createWalletService({ ledger, currencies });
    await service.createWallet({ accountId: 'a' });
    await service.createWallet({ accountId: 'b' });
    await service.addFunds({ accountId: 'a', amount: '10' });
    const metadata = { z: [1, 'é'], a: { '"': null } };
    await service.transfer({
      fromAccountId: 'a',
      toAccountId: 'b',
      amount: 2.5,
      metadata,
      idempotencyKey: 't',
    });
    await service.exchange({
      accountId: 'a',
      from: { currency: 'GOLD', amount: '1.5' },
      to: { currency: 'GEMS', amount: 3 },
      idempotencyKey: 'x',
    });
    expect(keys.map((record) => record.fingerprint)).toEqual([
      requestFingerprint({
        operation: 'transfer',
        fromAccountId: 'a',
        toAccountId: 'b',
        currency: 'GOLD',
        amount: '2.50',
        metadata,
      }),
      requestFingerprint({
        operation: 'exchange',
        accountId: 'a',
        from: { currency: 'GOLD', amount: '1.50' },
        to: { currency: 'GEMS', amount: '3' },
        metadata: null,
      }),
    ]);
  });

  it('are requestFingerprint of the normalized request for holds, reversals and postings', async () => {
    const { ledger, keys } = recordingLedger();
    const service = createWalletService({ ledger, currencies });
    await service.createWallet({ accountId: 'a' });
    await service.createWallet({ accountId: 'b' });
    await service.addFunds({ accountId: 'a', amount: '10' });
    const metadata = { z: [1, 'é\u2028'], a: { '"': null } };
    const hold = await service.placeHold({
      accountId: 'a',
      amount: 1.5,
      expiresInSeconds: 60,
      metadata,
      idempotencyKey: 'h',
    });
    await service.captureHold({
      holdId: hold.holdId,
      amount: '1',
      toAccountId: 'b',
      metadata,
      idempotencyKey: 'c',
    });
    const other = await service.placeHold({ accountId: 'a', amount: '1', idempotencyKey: 'h2' });
    await service.releaseHold({ holdId: other.holdId, idempotencyKey: 'r' });
    const credit = await service.addFunds({ accountId: 'a', amount: '3' });
    await service.reverseTransaction({
      transactionId: credit.transactionId,
      amount: '1',
      reason: 'refund "4471" \\ ok',
      metadata,
      idempotencyKey: 'v',
    });
    await service.post({
      legs: [
        { accountId: 'a', direction: 'debit', amount: '2' },
        { accountId: 'b', currency: 'GOLD', direction: 'credit', amount: 2 },
      ],
      metadata,
      idempotencyKey: 'p',
    });
    expect(keys.map((record) => record.fingerprint)).toEqual([
      requestFingerprint({
        operation: 'placeHold',
        accountId: 'a',
        currency: 'GOLD',
        amount: '1.50',
        expiresInSeconds: 60,
        metadata,
      }),
      // The capture's amount is normalized before the hold's currency is read: no trailing zeros.
      requestFingerprint({
        operation: 'captureHold',
        holdId: hold.holdId,
        amount: '1',
        toAccountId: 'b',
        metadata,
      }),
      requestFingerprint({
        operation: 'placeHold',
        accountId: 'a',
        currency: 'GOLD',
        amount: '1.00',
        expiresInSeconds: 900,
        metadata: null,
      }),
      requestFingerprint({ operation: 'releaseHold', holdId: other.holdId }),
      requestFingerprint({
        operation: 'reverseTransaction',
        transactionId: credit.transactionId,
        amount: '1.00',
        reason: 'refund "4471" \\ ok',
        metadata,
      }),
      requestFingerprint({
        operation: 'post',
        legs: [
          { accountId: 'a', currency: 'GOLD', direction: 'debit', amount: '2.00' },
          { accountId: 'b', currency: 'GOLD', direction: 'credit', amount: '2.00' },
        ],
        metadata,
      }),
    ]);
  });
});

describe('WalletService on the memory ledger', () => {
  it('stamps each call with its own clock reading, also when calls share a millisecond', async () => {
    const times = [
      '2031-02-03T04:05:06.789Z',
      '2031-02-03T04:05:06.789Z',
      '2031-02-03T04:05:06.790Z',
      '2031-02-03T04:05:06.789Z',
    ];
    let call = 0;
    const service = createWalletService({
      ledger: createMemoryLedger(),
      currencies,
      clock: () => new Date(times[call++ % times.length]!),
    });
    call = 0;
    await service.createWallet({ accountId: 'p1' });
    const results = [];
    for (let i = 0; i < times.length; i++) {
      results.push(await service.addFunds({ accountId: 'p1', amount: '1' }));
    }
    expect(results.map((result) => result.txTime)).toEqual([...times.slice(1), times[0]]);
    for (const result of results) {
      const epochMs = Number.parseInt(result.transactionId.replace('-', '').slice(0, 12), 16);
      expect(new Date(epochMs).toISOString()).toBe(result.txTime);
    }
  });

  it('keeps what it stored apart from the objects it returns', async () => {
    const ledger = createMemoryLedger();
    const service = createWalletService({ ledger, currencies });
    await service.createWallet({ accountId: 'p1' });
    const first = await service.addFunds({ accountId: 'p1', amount: '5', idempotencyKey: 'k' });
    const original = { ...first };
    first.amount = '999.00';
    first.currentBalance = '999.00';
    const replayed = await service.addFunds({ accountId: 'p1', amount: '5', idempotencyKey: 'k' });
    expect(replayed).toEqual({ ...original, replayed: true });
    const [entry] = await ledger.queryEntries({ accountId: 'p1', order: 'asc', limit: 10 });
    expect(Object.isFrozen(entry)).toBe(true);
    expect(Object.isFrozen(await ledger.getWallet('p1'))).toBe(true);
  });

  it('says which side of an unbalanced posting is larger, and by how much', async () => {
    const service = createWalletService({ ledger: createMemoryLedger(), currencies });
    for (const id of ['a', 'b']) await service.createWallet({ accountId: id });
    await service.addFunds({ accountId: 'a', amount: '10.00' });
    const refusal = async (debit: string, credit: string) =>
      service
        .post({
          legs: [
            { accountId: 'a', direction: 'debit', currency: 'GOLD', amount: debit },
            { accountId: 'b', direction: 'credit', currency: 'GOLD', amount: credit },
          ],
        })
        .then(
          () => 'accepted',
          (error: Error) => error.message,
        );
    expect(await refusal('5', '4.50')).toBe(
      'the legs in GOLD do not balance: debits exceed credits by 0.50',
    );
    expect(await refusal('4', '4.25')).toBe(
      'the legs in GOLD do not balance: credits exceed debits by 0.25',
    );
  });
});

describe('settling a hold on a store whose snapshot is not one atomic read', () => {
  /**
   * A memory ledger whose snapshots, while `stale` is set, miss every record: the reads of a
   * store (DynamoDB's BatchGetItem) that saw a wallet after a settlement and its record before.
   */
  function staleRecords() {
    const memory = createMemoryLedger();
    const state = { stale: false };
    const ledger: LedgerStore = {
      ...memory,
      transact: (transaction) =>
        memory.transact({
          ...transaction,
          decide: (snapshot) =>
            transaction.decide(state.stale ? { ...snapshot, records: new Map() } : snapshot),
        }),
    };
    return { ledger, state };
  }

  it('answers HOLD_NOT_ACTIVE, not HOLD_NOT_FOUND, for a hold that ended while it was read', async () => {
    const { ledger, state } = staleRecords();
    const service = createWalletService({ ledger, currencies });
    await service.createWallet({ accountId: 'p' });
    await service.addFunds({ accountId: 'p', amount: '10', currency: 'GEMS' });
    const captured = await service.placeHold({ accountId: 'p', amount: '3', currency: 'GEMS' });
    const released = await service.placeHold({ accountId: 'p', amount: '2', currency: 'GEMS' });
    await service.captureHold({ holdId: captured.holdId });
    await service.releaseHold({ holdId: released.holdId });
    state.stale = true;
    await expect(service.captureHold({ holdId: captured.holdId })).rejects.toMatchObject({
      code: 'HOLD_NOT_ACTIVE',
      details: { status: 'captured' },
    });
    await expect(service.releaseHold({ holdId: released.holdId })).rejects.toMatchObject({
      code: 'HOLD_NOT_ACTIVE',
      details: { status: 'released' },
    });
    // A hold that never was is still not found.
    const never = `${newTransactionId(Date.now())}~p`;
    await expect(service.captureHold({ holdId: never })).rejects.toMatchObject({
      code: 'HOLD_NOT_FOUND',
    });
  });
});

describe('newTransactionId', () => {
  it('is a UUID version 7 carrying its millisecond, for ids of one and of several milliseconds', () => {
    const uuid7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const epochMs of [
      0,
      1,
      1_790_000_000_000,
      1_790_000_000_000,
      1_790_000_000_001,
      2 ** 48 - 1,
    ]) {
      const ids = [newTransactionId(epochMs), newTransactionId(epochMs)];
      for (const id of ids) {
        expect(id).toMatch(uuid7);
        expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(epochMs);
      }
      expect(ids[0]).not.toBe(ids[1]);
    }
  });
});

import {
  BatchGetItemCommand,
  DynamoDBServiceException,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  QueryCommand,
  ThrottlingException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { type JournalEntry, type LedgerRecord, WalletError } from '@wallet/core';
import { MAX_RECORDS_PER_OPERATION, TransactionTooLargeError } from '@wallet/core/adapter';
import { expectWalletError } from '@wallet/testing';
import { describe, expect, it } from 'vitest';
import { walletToItem } from '../src/item-codec.js';
import { walletKey } from '../src/table-keys.js';
import {
  bumpWallet,
  cancelled,
  MOCK_TABLE,
  mockedLedger,
  socketError,
  storedWallet,
} from './support/mock-dynamodb.js';

const timeout = () => Object.assign(new Error('request timed out'), { name: 'TimeoutError' });
const metadata = { httpStatusCode: 400 };

describe('conflicts', () => {
  it('retries a transaction cancelled by ConditionalCheckFailed on a fresh snapshot, then throws CONCURRENCY_CONFLICT with the cancellation as cause', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 4));
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled('ConditionalCheckFailed'));
    const bump = bumpWallet('p1');
    const error = await expectWalletError(ledger.transact(bump), 'CONCURRENCY_CONFLICT');
    expect(error).toMatchObject({ attempts: 3 });
    expect(error.cause).toBeInstanceOf(TransactionCanceledException);
    expect(bump.decisions).toBe(3);
    expect(dynamo.commandCalls(BatchGetItemCommand)).toHaveLength(3);
    expect(new Set(writes().map((w) => w.ClientRequestToken)).size).toBe(3);
  });

  it('treats a TransactionConflict cancellation as a conflict and commits when the retry succeeds', async () => {
    const { ledger, dynamo } = mockedLedger(storedWallet('p1', 0));
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(cancelled('None', 'TransactionConflict'))
      .resolves({});
    const bump = bumpWallet('p1');
    await expect(ledger.transact(bump)).resolves.toBe('bumped to 1');
    expect(bump.decisions).toBe(2);
  });

  it('decides again when a cancellation lists a failed condition beside throttling', async () => {
    const { ledger, dynamo } = mockedLedger(storedWallet('p1', 0));
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(cancelled('ThrottlingError', 'ConditionalCheckFailed'))
      .resolves({});
    const bump = bumpWallet('p1');
    await expect(ledger.transact(bump)).resolves.toBe('bumped to 1');
    expect(bump.decisions).toBe(2);
  });

  it('reads the cancellation reasons from the message when the client did not parse them', async () => {
    const { ledger, dynamo } = mockedLedger(storedWallet('p1', 0));
    const unparsed = cancelled('None', 'ConditionalCheckFailed');
    unparsed.CancellationReasons = undefined;
    dynamo.on(TransactWriteItemsCommand).rejectsOnce(unparsed).resolves({});
    const bump = bumpWallet('p1');
    await expect(ledger.transact(bump)).resolves.toBe('bumped to 1');
    expect(bump.decisions).toBe(2);
  });

  it("resends the same token, instead of deciding again, when TransactionConflict follows the SDK's own retries (an earlier copy may still commit)", async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 0));
    const afterSdkRetries = Object.assign(cancelled('TransactionConflict'), {
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    dynamo.on(TransactWriteItemsCommand).rejectsOnce(afterSdkRetries).resolves({});
    const bump = bumpWallet('p1');
    await expect(ledger.transact(bump)).resolves.toBe('bumped to 1');
    expect(bump.decisions).toBe(1);
    expect(writes()[1]).toEqual(writes()[0]);
  });
});

describe('throttling', () => {
  it('resends a transaction cancelled by ThrottlingError with the same token after a backoff, then throws STORE_UNAVAILABLE', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 0));
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled('ThrottlingError'));
    const bump = bumpWallet('p1');
    const error = await expectWalletError(ledger.transact(bump), 'STORE_UNAVAILABLE');
    expect(error.cause).toBeInstanceOf(TransactionCanceledException);
    expect(bump.decisions).toBe(1);
    expect(writes()).toHaveLength(3);
    expect(new Set(writes().map((w) => w.ClientRequestToken)).size).toBe(1);
  });

  it('throws STORE_UNAVAILABLE when ProvisionedThroughputExceeded outlasts the retries', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 0));
    const throttled = new ProvisionedThroughputExceededException({
      message: 'slow down',
      $metadata: metadata,
    });
    dynamo.on(TransactWriteItemsCommand).rejects(throttled);
    const error = await expectWalletError(ledger.transact(bumpWallet('p1')), 'STORE_UNAVAILABLE');
    expect(error.cause).toBe(throttled);
    expect(writes()).toHaveLength(3);
  });

  it('commits when a resend after ThrottlingException succeeds', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 0));
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(new ThrottlingException({ message: 'slow down', $metadata: metadata }))
      .resolves({});
    await expect(ledger.transact(bumpWallet('p1'))).resolves.toBe('bumped to 1');
    expect(writes()).toHaveLength(2);
  });

  it('reads again the keys BatchGetItem left unprocessed', async () => {
    const { ledger, dynamo } = mockedLedger();
    const wallet = storedWallet('p1', 2);
    dynamo
      .on(BatchGetItemCommand)
      .resolvesOnce({ UnprocessedKeys: { [MOCK_TABLE]: { Keys: [walletKey('p1')] } } })
      .resolves({ Responses: { [MOCK_TABLE]: [walletToItem(wallet)] } });
    await expect(ledger.transact(bumpWallet('p1'))).resolves.toBe('bumped to 3');
    expect(dynamo.commandCalls(BatchGetItemCommand)).toHaveLength(2);
  });

  it('throws STORE_UNAVAILABLE when BatchGetItem keeps leaving keys unprocessed, and writes nothing', async () => {
    const { ledger, dynamo, writes } = mockedLedger();
    dynamo
      .on(BatchGetItemCommand)
      .resolves({ UnprocessedKeys: { [MOCK_TABLE]: { Keys: [walletKey('p1')] } } });
    await expectWalletError(ledger.transact(bumpWallet('p1')), 'STORE_UNAVAILABLE');
    expect(dynamo.commandCalls(BatchGetItemCommand)).toHaveLength(3);
    expect(writes()).toHaveLength(0);
  });
});

describe('unknown outcomes', () => {
  it('resends the identical request, ClientRequestToken included, after a dropped connection and commits exactly once', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 0));
    dynamo.on(TransactWriteItemsCommand).rejectsOnce(socketError('ECONNRESET')).resolves({});
    const bump = bumpWallet('p1');
    await expect(ledger.transact(bump)).resolves.toBe('bumped to 1');
    expect(bump.decisions).toBe(1);
    const [first, second] = writes();
    expect(first?.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toEqual(first);
  });

  it('throws OUTCOME_UNKNOWN with the original error as cause when every resend after a timeout fails', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 0));
    const lost = timeout();
    dynamo.on(TransactWriteItemsCommand).rejects(lost);
    const error = await expectWalletError(ledger.transact(bumpWallet('p1')), 'OUTCOME_UNKNOWN');
    expect(error.cause).toBe(lost);
    expect(writes()).toHaveLength(3);
  });

  it('treats InternalServerError as an unknown outcome', async () => {
    const { ledger, dynamo } = mockedLedger(storedWallet('p1', 0));
    const failure = new InternalServerError({
      message: 'oops',
      $metadata: { httpStatusCode: 500 },
    });
    dynamo.on(TransactWriteItemsCommand).rejects(failure);
    const error = await expectWalletError(ledger.transact(bumpWallet('p1')), 'OUTCOME_UNKNOWN');
    expect(error.cause).toBe(failure);
  });

  it('keeps the outcome unknown when resends after a timeout are then throttled out', async () => {
    const { ledger, dynamo } = mockedLedger(storedWallet('p1', 0));
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(timeout())
      .rejects(cancelled('ThrottlingError'));
    await expectWalletError(ledger.transact(bumpWallet('p1')), 'OUTCOME_UNKNOWN');
  });

  it('decides again on a fresh snapshot when a resend after a timeout is cancelled by a condition, since a committed token would have answered success', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 0));
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(timeout())
      .rejectsOnce(cancelled('ConditionalCheckFailed'))
      .resolves({});
    const bump = bumpWallet('p1');
    await expect(ledger.transact(bump)).resolves.toBe('bumped to 1');
    expect(bump.decisions).toBe(2);
    expect(writes()[1]?.ClientRequestToken).toBe(writes()[0]?.ClientRequestToken);
    expect(writes()[2]?.ClientRequestToken).not.toBe(writes()[0]?.ClientRequestToken);
  });

  it('resends the same token when a resend after a timeout meets only TransactionConflict, since the first send may still commit', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 0));
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(timeout())
      .rejectsOnce(cancelled('TransactionConflict'))
      .resolves({});
    const bump = bumpWallet('p1');
    await expect(ledger.transact(bump)).resolves.toBe('bumped to 1');
    expect(bump.decisions).toBe(1);
    expect(new Set(writes().map((w) => w.ClientRequestToken)).size).toBe(1);
    expect(writes()).toHaveLength(3);
  });
});

describe('refusals', () => {
  it('throws STORE_UNAVAILABLE, never OUTCOME_UNKNOWN, when the connection is refused before sending', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 0));
    dynamo.on(TransactWriteItemsCommand).rejects(socketError('ECONNREFUSED'));
    const error = await expectWalletError(ledger.transact(bumpWallet('p1')), 'STORE_UNAVAILABLE');
    expect((error.cause as { code: string }).code).toBe('ECONNREFUSED');
    expect(writes()).toHaveLength(3);
  });

  it('throws STORE_UNAVAILABLE with the cause when DynamoDB rejects the request, without resending it', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 0));
    const invalid = new DynamoDBServiceException({
      name: 'ValidationException',
      $fault: 'client',
      message: 'Item size too large',
      $metadata: metadata,
    });
    dynamo.on(TransactWriteItemsCommand).rejects(invalid);
    const error = await expectWalletError(ledger.transact(bumpWallet('p1')), 'STORE_UNAVAILABLE');
    expect(error.cause).toBe(invalid);
    expect(error.message).toContain('Item size too large');
    expect(writes()).toHaveLength(1);
  });

  it('maps failed reads (snapshot, getWallet, getRecord, queryEntries, queryTransaction, listWallets, listWalletsWithExpiredHolds) to STORE_UNAVAILABLE with the cause', async () => {
    const { ledger, dynamo, writes } = mockedLedger();
    const down = socketError('ECONNREFUSED');
    dynamo.on(BatchGetItemCommand).rejects(down);
    dynamo.on(GetItemCommand).rejects(down);
    dynamo.on(QueryCommand).rejects(down);
    for (const call of [
      ledger.transact(bumpWallet('p1')),
      ledger.getWallet('p1'),
      ledger.getRecord('hold:h1'),
      ledger.queryEntries({ accountId: 'p1', order: 'asc', limit: 5 }),
      ledger.queryTransaction('t1'),
      ledger.listWallets({ limit: 5 }),
      ledger.listWalletsWithExpiredHolds({ dueBy: '2030-01-01T00:00:00.000Z', limit: 5 }),
    ]) {
      const error = await expectWalletError(call, 'STORE_UNAVAILABLE');
      expect(error.cause).toBe(down);
    }
    expect(writes()).toHaveLength(0);
  });
});

describe('index reads', () => {
  it('reads the items the indexes name back with a strongly consistent BatchGetItem, and keeps the index order', async () => {
    const { ledger, dynamo } = mockedLedger();
    const [a, b] = [storedWallet('a', 1), storedWallet('b', 2)];
    dynamo.on(QueryCommand).resolves({
      Items: [walletKey('a'), walletKey('b')].map((key, i) => ({
        ...key,
        walletList: { S: 'WALLETS' },
        accountId: { S: ['a', 'b'][i]! },
      })),
    });
    dynamo
      .on(BatchGetItemCommand)
      .resolves({ Responses: { [MOCK_TABLE]: [walletToItem(b), walletToItem(a)] } });
    expect(await ledger.listWallets({ prefix: '', limit: 2 })).toEqual([a, b]);
    const [query] = dynamo.commandCalls(QueryCommand);
    expect(query?.args[0].input).toMatchObject({
      IndexName: 'wallets',
      KeyConditionExpression: '#list = :list',
      ScanIndexForward: true,
      Limit: 2,
    });
    expect(dynamo.commandCalls(BatchGetItemCommand)[0]?.args[0].input.RequestItems).toEqual({
      [MOCK_TABLE]: { Keys: [walletKey('a'), walletKey('b')], ConsistentRead: true },
    });
  });

  it('pages the hold expiry index from LastEvaluatedKey until the limit, and takes account ids from the keys', async () => {
    const { ledger, dynamo } = mockedLedger();
    const key = (id: string) => ({ ...walletKey(id), nextHoldExpiry: { S: '2030' } });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [key('a')], LastEvaluatedKey: key('a') })
      .resolvesOnce({ Items: [key('b'), key('c')], LastEvaluatedKey: key('c') })
      .resolves({ Items: [key('d')] });
    const due = await ledger.listWalletsWithExpiredHolds({ dueBy: '2031', limit: 3 });
    expect(due).toEqual(['a', 'b', 'c']);
    const calls = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.IndexName, input.Limit])).toEqual([
      ['holdExpiries', 3],
      ['holdExpiries', 2],
    ]);
    expect(calls[1]?.ExclusiveStartKey).toEqual(key('a'));
  });
});

describe('decisions', () => {
  it('rethrows an error thrown by decide unchanged and sends no write', async () => {
    const { ledger, writes } = mockedLedger(storedWallet('p1', 0));
    const refusal = new Error('not today');
    await expect(
      ledger.transact({
        accountIds: ['p1'],
        idempotencyKeys: [],
        recordKeys: [],
        decide: () => {
          throw refusal;
        },
      }),
    ).rejects.toBe(refusal);
    expect(writes()).toHaveLength(0);
  });

  it('sends nothing when decide writes nothing, and resolves to its result', async () => {
    const { ledger, writes } = mockedLedger(storedWallet('p1', 0));
    const result = await ledger.transact({
      accountIds: ['p1'],
      idempotencyKeys: ['k1'],
      recordKeys: ['r1'],
      decide: (snapshot) => ({ write: null, result: snapshot.wallets.get('p1')?.version }),
    });
    expect(result).toBe(0);
    expect(writes()).toHaveLength(0);
  });

  it('guards a wallet the snapshot held and a later record version by the version before, and inserts new wallets, entries, keys and first record versions only where no item exists', async () => {
    const { ledger, dynamo, writes } = mockedLedger(storedWallet('p1', 7));
    dynamo.on(TransactWriteItemsCommand).resolves({});
    await ledger.transact({
      accountIds: ['p1', 'p2'],
      idempotencyKeys: ['k1'],
      recordKeys: ['r1', 'r2'],
      decide: (snapshot) => {
        const held = snapshot.wallets.get('p1')!;
        return {
          write: {
            wallets: [{ ...held, version: 9 }, { ...storedWallet('p2', 0) }],
            entries: [entry('p1', 8)],
            idempotency: [
              { key: 'k1', fingerprint: 'f', transactionId: 't', result: {}, createdAt: 'now' },
            ],
            records: [
              { key: 'r1', version: 1, data: { a: 1 } } as LedgerRecord,
              { key: 'r2', version: 4, data: { b: [] } } as LedgerRecord,
            ],
          },
          result: null,
        };
      },
    });
    const items = writes()[0]?.TransactItems ?? [];
    expect(items.map((item) => [item.Put?.Item?.pk?.S, item.Put?.ConditionExpression])).toEqual([
      ['W#p1', '#version = :read'],
      ['W#p2', 'attribute_not_exists(#pk)'],
      ['W#p1', 'attribute_not_exists(#pk)'],
      ['K#k1', 'attribute_not_exists(#pk)'],
      ['R#r1', 'attribute_not_exists(#pk)'],
      ['R#r2', '#version = :read'],
    ]);
    expect(items[0]?.Put?.ExpressionAttributeValues).toEqual({ ':read': { N: '7' } });
    expect(items[0]?.Put?.Item?.version).toEqual({ N: '9' });
    expect(items[5]?.Put?.ExpressionAttributeValues).toEqual({ ':read': { N: '3' } });
    expect(items[5]?.Put?.Item).toMatchObject({ version: { N: '4' }, data: { S: '{"b":[]}' } });
  });

  it('reads wallets, keys and records in one BatchGetItem, strongly consistent', async () => {
    const { ledger, dynamo } = mockedLedger(storedWallet('p1', 0));
    await ledger.transact({
      accountIds: ['p1', 'p1'],
      idempotencyKeys: ['k1'],
      recordKeys: ['r1', 'r1'],
      decide: () => ({ write: null, result: null }),
    });
    const calls = dynamo.commandCalls(BatchGetItemCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.RequestItems?.[MOCK_TABLE]).toEqual({
      Keys: [
        { pk: { S: 'W#p1' }, sk: { S: 'WALLET' } },
        { pk: { S: 'K#k1' }, sk: { S: 'KEY' } },
        { pk: { S: 'R#r1' }, sk: { S: 'RECORD' } },
      ],
      ConsistentRead: true,
    });
  });
});

describe('the 100-item limit', () => {
  const writeEntries = (count: number, records = 0) => ({
    accountIds: [],
    idempotencyKeys: [],
    recordKeys: [],
    decide: () => ({
      write: {
        wallets: [],
        entries: Array.from({ length: count }, (_, i) => entry('p1', i + 1)),
        idempotency: [],
        records: Array.from({ length: records }, (_, i) => ({
          key: `r${i}`,
          version: 1,
          data: {},
        })),
      },
      result: count,
    }),
  });

  it('declares maxRecordsPerTransaction 100, enough for the largest operation', () => {
    const { ledger } = mockedLedger();
    expect(ledger.maxRecordsPerTransaction).toBe(100);
    expect(ledger.maxRecordsPerTransaction).toBeGreaterThanOrEqual(MAX_RECORDS_PER_OPERATION);
  });

  it('counts ledger records toward the limit', async () => {
    const { ledger, writes } = mockedLedger();
    const error = await ledger.transact(writeEntries(98, 3)).catch((e: unknown) => e);
    expect(error).toMatchObject({ itemCount: 101, limit: 100 });
    expect(writes()).toHaveLength(0);
  });

  it('rejects a write of 101 items with TransactionTooLargeError and sends nothing', async () => {
    const { ledger, writes } = mockedLedger();
    const error = await ledger.transact(writeEntries(101)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionTooLargeError);
    expect(error).not.toBeInstanceOf(WalletError);
    expect(error).toMatchObject({ itemCount: 101, limit: 100 });
    expect(writes()).toHaveLength(0);
  });

  it('sends a write of exactly 100 items as one TransactWriteItems', async () => {
    const { ledger, dynamo, writes } = mockedLedger();
    dynamo.on(TransactWriteItemsCommand).resolves({});
    await expect(ledger.transact(writeEntries(100))).resolves.toBe(100);
    expect(writes()[0]?.TransactItems).toHaveLength(100);
  });
});

function entry(accountId: string, sequence: number): JournalEntry {
  return {
    transactionId: `t${sequence}`,
    accountId,
    sequence,
    type: 'CREDIT',
    currency: 'GEMS',
    amount: '1',
    balanceBefore: String(sequence - 1),
    balanceAfter: String(sequence),
    txTime: '2030-01-01T00:00:00.000Z',
    idempotencyKey: null,
    counterparty: null,
    metadata: null,
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
  };
}

import {
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandOutput,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type CoalesceOptions,
  createWalletService,
  type JournalEntry,
  type WalletService,
} from '@wallet/core';
import {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
  SUITE_CURRENCIES,
  startDynamoDbLocal,
  uniqueIds,
  uniqueTableName,
} from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDynamoDbLedger,
  createLedgerTable,
  type DynamoDbClientLike,
  MAX_TRANSACTION_ITEMS,
} from '../src/index.js';
import { socketError } from './support/mock-dynamodb.js';

let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
const tableName = uniqueTableName('wallet-ledger');
const ids = uniqueIds('ddb-local');

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = new DynamoDBClient(dynamo.clientConfig);
  await createLedgerTable(client, tableName);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

function serviceOver(sender: DynamoDbClientLike, coalesce?: true | CoalesceOptions): WalletService {
  const ledger = createDynamoDbLedger({ client: sender, tableName });
  return createWalletService({
    ledger,
    currencies: SUITE_CURRENCIES,
    ...(coalesce ? { coalesce } : {}),
  });
}

/** A client that forwards every command, each `TransactWriteItems` through `around`. */
function interceptingWrites(
  around: (
    send: () => Promise<unknown>,
    writeNumber: number,
    command: TransactWriteItemsCommand,
  ) => Promise<unknown>,
): DynamoDbClientLike & { writes: number } {
  const sender = {
    writes: 0,
    send(command: object) {
      if (!(command instanceof TransactWriteItemsCommand)) return client.send(command as never);
      sender.writes++;
      return around(() => client.send(command), sender.writes, command);
    },
  };
  return sender;
}

/** A client that forwards every command and records what each `TransactWriteItems` carried. */
function recordingWrites() {
  const written: { items: number; keys: number }[] = [];
  const sender = interceptingWrites((send, _writeNumber, command) => {
    const items = command.input.TransactItems ?? [];
    const keys = items.filter((item) => item.Put?.Item?.kind?.S === 'KEY').length;
    written.push({ items: items.length, keys });
    return send();
  });
  return { sender, written };
}

async function storedItem(pk: string, sk: string) {
  const output = (await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: pk }, sk: { S: sk } },
      ConsistentRead: true,
    }),
  )) as GetItemCommandOutput;
  return output.Item;
}

describe('DynamoDB ledger on DynamoDB Local', () => {
  it('keeps a wallet, its journal entries and its idempotency keys as the documented items of one table', async () => {
    const service = serviceOver(client);
    const accountId = ids.account();
    const idempotencyKey = ids.key();
    await service.createWallet({ accountId, metadata: { tier: 'gold' } });
    const result = await service.addFunds({
      accountId,
      amount: '10.50',
      currency: 'GOLD',
      idempotencyKey,
    });
    expect(await storedItem(`W#${accountId}`, 'WALLET')).toMatchObject({
      kind: { S: 'WALLET' },
      accountId: { S: accountId },
      balances: { M: { GOLD: { S: '10.50' } } },
      version: { N: '1' },
      sequence: { N: '1' },
      metadata: { S: '{"tier":"gold"}' },
    });
    expect(await storedItem(`W#${accountId}`, 'E#0000000000000001')).toMatchObject({
      kind: { S: 'ENTRY' },
      sequence: { N: '1' },
      amount: { S: '10.50' },
      transactionId: { S: result.transactionId },
      counterparty: { NULL: true },
    });
    // Keys are filed scoped to their wallet: `K#<accountId> <key>`.
    expect(await storedItem(`K#${accountId} ${idempotencyKey}`, 'KEY')).toMatchObject({
      kind: { S: 'KEY' },
      key: { S: `${accountId} ${idempotencyKey}` },
      transactionId: { S: result.transactionId },
    });
  });

  it('reads entries back exactly as written: decimal strings, nested metadata, empty strings and nulls', async () => {
    const ledger = createDynamoDbLedger({ client, tableName });
    const accountId = ids.account();
    const written: JournalEntry[] = [
      journalEntry(accountId, 1, 'GOLD', {
        amount: '10.50',
        balanceAfter: '999999999999999999.00',
        metadata: { note: '', list: [1, 2.5, -0.125, null, true, 'é ✓'], deep: { a: { b: 1e21 } } },
        idempotencyKey: 'key with spaces ✓',
        counterparty: 'someone',
      }),
      journalEntry(accountId, 2, 'GEMS', { metadata: null }),
    ];
    await ledger.transact(writeEntries(written));
    expect(await ledger.queryEntries({ accountId, order: 'asc', limit: 10 })).toEqual(written);
  });

  it('commits exactly once when the answer to a committed TransactWriteItems is lost, by resending it with the same ClientRequestToken', async () => {
    const accountId = ids.account();
    await serviceOver(client).createWallet({ accountId });
    const losing = interceptingWrites(async (send, writeNumber) => {
      const output = await send();
      if (writeNumber === 1) throw socketError('ECONNRESET');
      return output;
    });
    const result = await serviceOver(losing).addFunds({ accountId, amount: '5' });
    expect(losing.writes).toBe(2);
    expect(result).toMatchObject({ previousBalance: '0', currentBalance: '5' });
    const service = serviceOver(client);
    expect((await service.getFunds({ accountId })).balances.GEMS).toBe('5');
    expect((await service.getTransactionHistory({ accountId })).items).toHaveLength(1);
    expect((await service.verifyWallet({ accountId })).problems).toEqual([]);
  });

  it('decides again on a fresh snapshot when a concurrent write changes the wallet between its read and its commit', async () => {
    const accountId = ids.account();
    const other = serviceOver(client);
    await other.createWallet({ accountId });
    const racing = interceptingWrites(async (send, writeNumber) => {
      if (writeNumber === 1) await other.addFunds({ accountId, amount: '1' });
      return send();
    });
    const result = await serviceOver(racing).addFunds({ accountId, amount: '5' });
    expect(racing.writes).toBe(2);
    expect(result).toMatchObject({ previousBalance: '1', currentBalance: '6' });
    const history = await other.getTransactionHistory({ accountId, order: 'asc' });
    expect(history.items.map((e) => [e.sequence, e.amount])).toEqual([
      [1, '1'],
      [2, '5'],
    ]);
    expect((await other.verifyWallet({ accountId })).problems).toEqual([]);
  });

  for (const coalesce of [true, {}] as const) {
    it(`coalesces with coalesce: ${JSON.stringify(coalesce)} and no maxBatch: 150 concurrent operations on one hot wallet all commit in transactions within the ledger's limits, and the journal verifies`, async () => {
      const setup = serviceOver(client);
      const hot = ids.account('hot');
      const recipients = [ids.account('to'), ids.account('to'), ids.account('to')];
      for (const accountId of [hot, ...recipients]) await setup.createWallet({ accountId });
      await setup.addFunds({ accountId: hot, amount: '1000' });
      const { sender, written } = recordingWrites();
      const service = serviceOver(sender, coalesce);
      const settled = await Promise.allSettled(
        Array.from({ length: 150 }, (_, i) => {
          const idempotencyKey = `${hot}:${i}`;
          if (i % 3 === 0) {
            const toAccountId = recipients[i % recipients.length]!;
            return service.transfer({
              fromAccountId: hot,
              toAccountId,
              amount: '2',
              idempotencyKey,
            });
          }
          const input = { accountId: hot, idempotencyKey };
          return i % 3 === 1
            ? service.withdrawFunds({ ...input, amount: '1' })
            : service.addFunds({ ...input, amount: '3' });
        }),
      );
      expect(settled.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
      expect(written.length).toBeLessThan(150);
      // A keyed credit, the smallest keyed operation, counts 3 items at its worst case.
      expect(Math.max(...written.map((write) => write.keys))).toBeLessThanOrEqual(
        Math.floor(MAX_TRANSACTION_ITEMS / 3),
      );
      expect(Math.max(...written.map((write) => write.items))).toBeLessThanOrEqual(
        MAX_TRANSACTION_ITEMS,
      );
      expect(await setup.getFunds({ accountId: hot })).toMatchObject({
        version: 151,
        balances: { GEMS: String(1000 - 100 - 50 + 150) },
      });
      expect(await setup.verifyWallet({ accountId: hot })).toMatchObject({
        ok: true,
        entries: 151,
      });
      const keys = (await setup.getTransactionHistory({ accountId: hot, limit: 1000 })).items
        .map((entry) => entry.idempotencyKey)
        .filter((key) => key !== null);
      expect(new Set(keys).size).toBe(150);
      for (const accountId of recipients) {
        expect((await setup.verifyWallet({ accountId })).problems).toEqual([]);
      }
    });
  }

  it('commits a coalesced batch that turns out to need more than 100 items in smaller transactions, never sending one over the limit, each operation once', async () => {
    const setup = serviceOver(client);
    const pairs: [string, string][] = [];
    for (let i = 0; i < 25; i++) {
      const from = ids.account('from');
      const to = ids.account('to');
      await setup.createWallet({ accountId: from });
      await setup.createWallet({ accountId: to });
      await setup.addFunds({ accountId: from, amount: '10' });
      pairs.push([from, to]);
    }
    // A limit too high on purpose: 25 keyed transfers between distinct wallets write
    // 50 wallets + 50 entries + 25 keys = 125 items.
    const { sender, written } = recordingWrites();
    const ledger = {
      ...createDynamoDbLedger({ client: sender, tableName }),
      maxRecordsPerTransaction: 125,
    };
    const service = createWalletService({ ledger, currencies: SUITE_CURRENCIES, coalesce: true });
    const settled = await Promise.allSettled(
      pairs.map(([fromAccountId, toAccountId], i) =>
        service.transfer({
          fromAccountId,
          toAccountId,
          amount: '3',
          idempotencyKey: `${toAccountId}:${i}`,
        }),
      ),
    );
    expect(settled.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    // Refused before sending, then sent as 13 and 12 transfers.
    expect(written.map((write) => write.items)).toEqual([65, 60]);
    for (const [from, to] of pairs) {
      expect((await setup.getFunds({ accountId: from })).balances.GEMS).toBe('7');
      expect(await setup.getFunds({ accountId: to })).toMatchObject({
        version: 1,
        balances: { GEMS: '3' },
      });
      expect((await setup.verifyWallet({ accountId: from })).problems).toEqual([]);
    }
  });

  it('fills a currency-filtered page across DynamoDB pages the filter left short, in both orders', async () => {
    const ledger = createDynamoDbLedger({ client, tableName });
    const accountId = ids.account();
    const gold = new Set([5, 150, 240]);
    const entries = Array.from({ length: 250 }, (_, i) =>
      journalEntry(accountId, i + 1, gold.has(i + 1) ? 'GOLD' : 'GEMS'),
    );
    for (let start = 0; start < entries.length; start += 90) {
      await ledger.transact(writeEntries(entries.slice(start, start + 90)));
    }
    const sequences = async (query: Partial<Parameters<typeof ledger.queryEntries>[0]>) =>
      (await ledger.queryEntries({ accountId, order: 'asc', limit: 10, ...query })).map(
        (e) => e.sequence,
      );
    expect(await sequences({ currency: 'GOLD', limit: 3 })).toEqual([5, 150, 240]);
    expect(await sequences({ currency: 'GOLD', order: 'desc', limit: 2 })).toEqual([240, 150]);
    expect(await sequences({ currency: 'GOLD', startAfter: 5 })).toEqual([150, 240]);
    expect(await sequences({ currency: 'GOLD', order: 'desc', startAfter: 150 })).toEqual([5]);
    expect(await sequences({ order: 'desc', limit: 3 })).toEqual([250, 249, 248]);
    expect(await sequences({ startAfter: 248 })).toEqual([249, 250]);
    expect(await sequences({ order: 'desc', startAfter: 1 })).toEqual([]);
    expect(await sequences({ limit: 1001 })).toHaveLength(250);
  });
});

function writeEntries(entries: JournalEntry[]) {
  return {
    accountIds: [],
    idempotencyKeys: [],
    recordKeys: [],
    decide: () => ({
      write: { wallets: [], entries, idempotency: [], records: [] },
      result: entries.length,
    }),
  };
}

function journalEntry(
  accountId: string,
  sequence: number,
  currency: string,
  fields: Partial<JournalEntry> = {},
): JournalEntry {
  return {
    transactionId: `tx-${sequence}`,
    accountId,
    sequence,
    type: 'CREDIT',
    currency,
    amount: '1',
    balanceBefore: '0',
    balanceAfter: '1',
    txTime: '2031-02-03T04:05:06.789Z',
    idempotencyKey: null,
    counterparty: null,
    metadata: null,
    prevHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
    ...fields,
  };
}

import { createMemoryLedger, createWalletService, type JournalEntry } from '@wallet/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChangeRecordError, dynamodbChangeRecords, type ItemImage } from '../src/index.js';

/** A stand-in item layout: the entry as JSON in one string attribute. */
const entryOfImage = (image: ItemImage): JournalEntry | undefined =>
  image.kind?.S === 'ENTRY' ? (JSON.parse(String(image.json?.S)) as JournalEntry) : undefined;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const insert = (image: ItemImage) => bytes({ eventName: 'INSERT', dynamodb: { NewImage: image } });

describe('dynamodbChangeRecords', () => {
  const format = dynamodbChangeRecords(entryOfImage);
  let entry: JournalEntry;

  beforeAll(async () => {
    const wallets = createWalletService({
      ledger: createMemoryLedger(),
      currencies: [{ code: 'GOLD', scale: 2 }],
    });
    await wallets.createWallet({ accountId: 'p1' });
    await wallets.addFunds({ accountId: 'p1', amount: '2.50' });
    [entry] = (await wallets.getTransactionHistory({ accountId: 'p1' })).items as [JournalEntry];
  });

  it('maps an inserted entry image to its journal entry, hash verified', () => {
    expect(
      format.entryOf(insert({ kind: { S: 'ENTRY' }, json: { S: JSON.stringify(entry) } })),
    ).toEqual(entry);
  });

  it('skips other items, modifications and removals', () => {
    expect(format.entryOf(insert({ kind: { S: 'WALLET' } }))).toBeUndefined();
    const image = { kind: { S: 'ENTRY' }, json: { S: JSON.stringify(entry) } };
    expect(
      format.entryOf(bytes({ eventName: 'MODIFY', dynamodb: { NewImage: image } })),
    ).toBeUndefined();
    expect(format.entryOf(bytes({ eventName: 'REMOVE', dynamodb: { Keys: {} } }))).toBeUndefined();
  });

  it('rejects bytes that are not a change record as NOT_A_CHANGE_RECORD, and a tampered entry as JOURNAL_HASH_MISMATCH', () => {
    expect(() => format.entryOf(Buffer.from('{'))).toThrow(ChangeRecordError);
    expect(() => format.entryOf(bytes({ eventName: 'UPSERT', dynamodb: {} }))).toThrow(
      /not a DynamoDB change record/,
    );
    const tampered = {
      kind: { S: 'ENTRY' },
      json: { S: JSON.stringify({ ...entry, amount: '25.00' }) },
    };
    expect(() => format.entryOf(insert(tampered))).toThrow(
      expect.objectContaining({ code: 'JOURNAL_HASH_MISMATCH' }),
    );
    expect(() => format.entryOf(insert({ kind: { S: 'ENTRY' }, json: { S: '{' } }))).toThrow(
      expect.objectContaining({ code: 'NOT_A_CHANGE_RECORD' }),
    );
  });
});

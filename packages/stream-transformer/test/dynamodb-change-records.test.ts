import {
  createMemoryLedger,
  createWalletService,
  ENTRY_TYPE_FIELDS,
  hashEntry,
  JOURNAL_ENTRY_FIELDS,
  type JournalEntry,
} from '@wallet/core';
import { beforeAll, describe, expect, it } from 'vitest';
// The DynamoDB ledger's own item codec and keys, by path: this package does not depend on the
// ledger package (the ledger's change stream is one of the formats it reads).
import { journalEntryOfImage, journalEntryToItem } from '../../dynamodb-ledger/src/item-codec.js';
import { entryKey } from '../../dynamodb-ledger/src/table-keys.js';
import {
  ChangeRecordError,
  dynamodbChangeRecords,
  type ItemImage,
  type RecordFormat,
} from '../src/index.js';
import { runOperations, type SpecialTransactions, walletFixture } from './support/journal.js';

/** A stand-in item layout: the entry as JSON in one string attribute. */
const entryOfImage = (image: ItemImage): JournalEntry | undefined =>
  image.kind?.S === 'ENTRY' ? (JSON.parse(String(image.json?.S)) as JournalEntry) : undefined;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const insert = (image: ItemImage) => bytes({ eventName: 'INSERT', dynamodb: { NewImage: image } });

/** The journal entry a format reads from a record's bytes, if it reads one. */
function entryOf(format: RecordFormat, data: Uint8Array): JournalEntry | undefined {
  const content = format.read(data);
  return content !== undefined && 'entry' in content ? content.entry : undefined;
}

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
      format.read(insert({ kind: { S: 'ENTRY' }, json: { S: JSON.stringify(entry) } })),
    ).toEqual({ entry });
  });

  it('skips other items, modifications and removals', () => {
    expect(entryOf(format, insert({ kind: { S: 'WALLET' } }))).toBeUndefined();
    const image = { kind: { S: 'ENTRY' }, json: { S: JSON.stringify(entry) } };
    expect(
      entryOf(format, bytes({ eventName: 'MODIFY', dynamodb: { NewImage: image } })),
    ).toBeUndefined();
    expect(entryOf(format, bytes({ eventName: 'REMOVE', dynamodb: { Keys: {} } }))).toBeUndefined();
  });

  it('rejects bytes that are not a change record as NOT_A_CHANGE_RECORD, and a tampered entry as JOURNAL_HASH_MISMATCH', () => {
    expect(() => entryOf(format, Buffer.from('{'))).toThrow(ChangeRecordError);
    expect(() => entryOf(format, bytes({ eventName: 'UPSERT', dynamodb: {} }))).toThrow(
      /not a DynamoDB change record/,
    );
    const tampered = {
      kind: { S: 'ENTRY' },
      json: { S: JSON.stringify({ ...entry, amount: '25.00' }) },
    };
    expect(() => entryOf(format, insert(tampered))).toThrow(
      expect.objectContaining({ code: 'JOURNAL_HASH_MISMATCH' }),
    );
    expect(() => entryOf(format, insert({ kind: { S: 'ENTRY' }, json: { S: '{' } }))).toThrow(
      expect.objectContaining({ code: 'NOT_A_CHANGE_RECORD' }),
    );
  });
});

/**
 * A journal entry as the DynamoDB ledger's table item (and so a change record's `NewImage`),
 * written out by hand: every field its own attribute, amounts and hashes strings, `sequence` a
 * number, `metadata` its JSON text, nulls `NULL`; `reverses` (S) and `reason` (S or NULL) on
 * reversals and `holdId` (S) on a hold's entries, and on no other item.
 */
function ledgerImage(entry: JournalEntry): ItemImage {
  const nullable = (value: string | null) => (value === null ? { NULL: true } : { S: value });
  const image: ItemImage = {
    ...entryKey(entry.accountId, entry.sequence),
    kind: { S: 'ENTRY' },
    transactionId: { S: entry.transactionId },
    accountId: { S: entry.accountId },
    sequence: { N: String(entry.sequence) },
    type: { S: entry.type },
    currency: { S: entry.currency },
    amount: { S: entry.amount },
    balanceBefore: { S: entry.balanceBefore },
    balanceAfter: { S: entry.balanceAfter },
    txTime: { S: entry.txTime },
    idempotencyKey: nullable(entry.idempotencyKey),
    counterparty: nullable(entry.counterparty),
    metadata: nullable(entry.metadata === null ? null : JSON.stringify(entry.metadata)),
    prevHash: { S: entry.prevHash },
    hash: { S: entry.hash },
  };
  if (entry.reverses !== undefined) image.reverses = { S: entry.reverses };
  if (entry.reason !== undefined) image.reason = nullable(entry.reason);
  if (entry.holdId !== undefined) image.holdId = { S: entry.holdId };
  return image;
}

describe('dynamodbChangeRecords over the DynamoDB ledger’s items: reversals and holds', () => {
  const format = dynamodbChangeRecords(journalEntryOfImage);
  let special: SpecialTransactions;
  let entries: JournalEntry[];
  let plain: JournalEntry;

  beforeAll(async () => {
    const { wallets, ledger } = walletFixture();
    special = await runOperations(wallets, 'alice', 'bob');
    entries = [];
    for (const transactionId of [
      special.transferReversal,
      special.debitReversal,
      special.holdCapture,
    ]) {
      entries.push(...(await wallets.getTransaction({ transactionId })).entries);
    }
    plain = (await ledger.queryEntries({ accountId: 'alice', order: 'asc', limit: 1 }))[0]!;
  });

  it('maps inserted reversal and hold capture items to their entries, which verify, with exactly the fields of their type', () => {
    expect(entries.map((e) => e.type)).toEqual([
      'REVERSAL_DEBIT',
      'REVERSAL_CREDIT',
      'REVERSAL_CREDIT',
      'HOLD_CAPTURE',
      'TRANSFER_IN',
      'HOLD_RELEASE',
    ]);
    expect(entries.map((e) => e.reason)).toContain(null);
    for (const entry of [...entries, plain]) {
      const mapped = entryOf(format, insert(ledgerImage(entry)));
      expect(mapped).toStrictEqual(entry);
      expect(hashEntry(mapped!)).toBe(mapped!.hash);
      expect(Object.keys(mapped!).sort()).toEqual(
        [...JOURNAL_ENTRY_FIELDS, ...(ENTRY_TYPE_FIELDS[entry.type] ?? [])].sort(),
      );
    }
  });

  it('reads the items the ledger writes: its codec writes exactly these attributes', () => {
    for (const entry of [...entries, plain]) {
      const item = journalEntryToItem(entry);
      expect(item).toMatchObject(ledgerImage(entry));
      for (const field of ['reverses', 'reason', 'holdId']) {
        expect(field in item).toBe(field in ledgerImage(entry));
      }
    }
  });

  it('rejects a reversal item whose reason was changed, and a hold capture item that lost its holdId, as JOURNAL_HASH_MISMATCH', () => {
    const reversal = entries.find((e) => e.type === 'REVERSAL_DEBIT')!;
    const capture = entries.find((e) => e.type === 'HOLD_CAPTURE')!;
    const { holdId: _, ...withoutHold } = ledgerImage(capture);
    for (const image of [{ ...ledgerImage(reversal), reason: { NULL: true } }, withoutHold]) {
      expect(() => entryOf(format, insert(image))).toThrow(
        expect.objectContaining({ code: 'JOURNAL_HASH_MISMATCH' }),
      );
    }
  });

  it('rejects an entry that verifies but lacks a field its type must carry, or carries one it must not, as INVALID_JOURNAL_DOCUMENT', () => {
    const reversal = entries.find((e) => e.type === 'REVERSAL_CREDIT' && e.reason === null)!;
    const { reason: _, ...body } = reversal;
    const withoutReason = { ...body, hash: hashEntry({ ...body }) };
    const stray = { ...plain, holdId: 'h-1' } as JournalEntry;
    stray.hash = hashEntry({ ...stray });
    for (const entry of [withoutReason, stray]) {
      const stand = dynamodbChangeRecords(() => entry);
      expect(() => entryOf(stand, insert({ kind: { S: 'ENTRY' } }))).toThrow(
        expect.objectContaining({ code: 'INVALID_JOURNAL_DOCUMENT' }),
      );
    }
  });
});

import {
  ENTRY_TYPE_FIELDS,
  ENTRY_TYPES,
  type EntryType,
  hashEntry,
  JOURNAL_ENTRY_FIELDS,
  type JournalEntry,
} from '@wallet/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeQldbRecord,
  encodeJournalRevision,
  JournalDocumentError,
  journalEntryFromRevision,
  type RevisionDetailsRecord,
} from '../src/index.js';
import { ionBinary } from './support/fixtures.js';
import {
  journalOf,
  runOperations,
  type SpecialTransactions,
  walletFixture,
} from './support/journal.js';

const SOURCE = { ledgerName: 'wallet', tableId: 'AYj94Ipn0re4Fr2PDgadpl' };

/** A REVISION_DETAILS of JournalEntries, as Ion text, whose document is the given Ion struct text. */
function revisionText(documentText: string): string {
  return `{
      qldbStreamArn: "arn:aws:qldb:us-east-1:000000000000:stream/wallet/s", recordType: "REVISION_DETAILS",
      payload: { tableInfo: { tableName: "JournalEntries", tableId: "t" }, revision: {
        blockAddress: { strandId: "s", sequenceNo: 1 }, hash: {{AQID}}, data: ${documentText},
        metadata: { id: "d", version: 0, txTime: 2030-01-01T00:00:00.000Z, txId: "x" } } } }`;
}

/** A REVISION_DETAILS of JournalEntries whose document is the given Ion struct text. */
function revisionOf(documentText: string): RevisionDetailsRecord {
  const record = decodeQldbRecord(ionBinary(revisionText(documentText)));
  if (record.recordType !== 'REVISION_DETAILS') throw new Error(record.recordType);
  return record;
}

/** A journal entry with its hash, amounts as given. */
function entryWith(fields: Partial<JournalEntry>): JournalEntry {
  const body: Omit<JournalEntry, 'hash'> = {
    transactionId: 'tx-1',
    accountId: 'p1',
    sequence: 1,
    type: 'CREDIT',
    currency: 'GOLD',
    amount: '5.00',
    balanceBefore: '0.00',
    balanceAfter: '5.00',
    txTime: '2030-01-01T00:00:00.123Z',
    idempotencyKey: null,
    counterparty: null,
    metadata: null,
    prevHash: '0'.repeat(64),
    ...fields,
  };
  return { ...body, hash: hashEntry(body) };
}

/** The entry as an Ion document, with the amounts' and txTime's Ion text given. */
function documentText(
  entry: JournalEntry,
  ion: {
    amount?: string;
    balanceBefore?: string;
    balanceAfter?: string;
    txTime?: string;
    extra?: string;
  } = {},
): string {
  return `{ transactionId: "${entry.transactionId}", accountId: "${entry.accountId}", sequence: ${entry.sequence},
    type: "${entry.type}", currency: "${entry.currency}", amount: ${ion.amount ?? entry.amount},
    balanceBefore: ${ion.balanceBefore ?? entry.balanceBefore}, balanceAfter: ${ion.balanceAfter ?? entry.balanceAfter},
    txTime: ${ion.txTime ?? entry.txTime}, idempotencyKey: null, counterparty: null, metadata: null,
    prevHash: "${entry.prevHash}", hash: "${entry.hash}" ${ion.extra ?? ''} }`;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof JournalDocumentError) return error.code;
    throw error;
  }
  return undefined;
}

describe('journal revisions', () => {
  let entries: JournalEntry[];
  beforeAll(async () => {
    const { wallets, ledger } = walletFixture();
    await runOperations(wallets, 'alice', 'bob');
    entries = await journalOf(ledger, ['alice', 'bob']);
  });

  it('map every entry the wallet service wrote, encoded as a REVISION_DETAILS, back to the same entry, which verifies', () => {
    expect(entries.length).toBeGreaterThanOrEqual(9);
    expect(new Set(entries.map((e) => e.type))).toEqual(new Set(ENTRY_TYPES));
    for (const entry of entries) {
      const record = decodeQldbRecord(encodeJournalRevision(entry, SOURCE));
      if (record.recordType !== 'REVISION_DETAILS') throw new Error(record.recordType);
      const mapped = journalEntryFromRevision(record);
      expect(mapped).toStrictEqual(entry);
      expect(hashEntry(mapped)).toBe(mapped.hash);
      // Exactly the fields of its type: the others are not even undefined members.
      expect(Object.keys(mapped).sort()).toEqual(
        [...JOURNAL_ENTRY_FIELDS, ...(ENTRY_TYPE_FIELDS[entry.type] ?? [])].sort(),
      );
    }
  });

  it('are encoded with amounts as Ion decimals that carry the currency’s scale and txTime as a millisecond timestamp', () => {
    const gold = entries.find((e) => e.currency === 'GOLD' && e.amount === '10.50')!;
    const record = decodeQldbRecord(encodeJournalRevision(gold, SOURCE));
    if (record.recordType !== 'REVISION_DETAILS') throw new Error(record.recordType);
    const text = Buffer.from(encodeJournalRevision(gold, SOURCE)).toString('latin1');
    expect(text).toContain('JournalEntries');
    expect(record.payload.revision.metadata).toMatchObject({ version: 0, txTime: gold.txTime });
    expect(record.payload.revision.data).toMatchObject({ amount: '10.50', balanceBefore: '0.00' });
  });

  it('encode the same entry to the same bytes, so a re-sent entry is a true duplicate', () => {
    const [first] = entries;
    expect(encodeJournalRevision(first!, SOURCE)).toEqual(encodeJournalRevision(first!, SOURCE));
  });

  it.each([
    ['500d-2', '5.00'],
    ['5.00', '5.00'],
    ['0.0500d2', '5.00'],
  ])('map the Ion decimal %s of a scale-2 currency to "%s"', (ion, expected) => {
    const entry = entryWith({});
    expect(
      journalEntryFromRevision(revisionOf(documentText(entry, { amount: ion, balanceAfter: ion })))
        .amount,
    ).toBe(expected);
  });

  it('map the Ion decimals 5d0 and 5. of a scale-0 currency to "5"', () => {
    const entry = entryWith({
      currency: 'GEMS',
      amount: '5',
      balanceBefore: '0',
      balanceAfter: '5',
    });
    for (const ion of ['5d0', '5.']) {
      const text = documentText(entry, { amount: ion, balanceBefore: '0.', balanceAfter: ion });
      expect(journalEntryFromRevision(revisionOf(text))).toEqual(entry);
    }
  });

  it('map a negative-zero balance to the unsigned zero every amount renderer writes', () => {
    const entry = entryWith({
      currency: 'CREDITS',
      type: 'CREDIT',
      amount: '20.00',
      balanceBefore: '-20.00',
      balanceAfter: '0.00',
    });
    const mapped = journalEntryFromRevision(
      revisionOf(documentText(entry, { balanceAfter: '-0.00' })),
    );
    expect(mapped.balanceAfter).toBe('0.00');
    expect(mapped).toEqual(entry);
  });

  it('map txTime to UTC with exactly three fraction digits, whatever offset or trailing zeros it was written with', () => {
    const entry = entryWith({ txTime: '2030-01-01T00:00:00.120Z' });
    for (const ion of [
      '2030-01-01T00:00:00.12Z',
      '2030-01-01T00:00:00.120000Z',
      '2030-01-01T09:00:00.120+09:00',
    ]) {
      expect(
        journalEntryFromRevision(revisionOf(documentText(entry, { txTime: ion }))).txTime,
      ).toBe(entry.txTime);
    }
    const whole = entryWith({ txTime: '2030-01-01T00:00:00.000Z' });
    expect(
      journalEntryFromRevision(revisionOf(documentText(whole, { txTime: '2030-01-01T00:00:00Z' })))
        .txTime,
    ).toBe(whole.txTime);
  });

  it('accept a txTime on the last day of any month, Feb 29 of a leap year included', () => {
    for (const txTime of [
      '2030-01-31T23:59:59.999Z',
      '2030-04-30T00:00:00.000Z',
      '2032-02-29T12:00:00.000Z',
    ]) {
      const entry = entryWith({ txTime });
      expect(journalEntryFromRevision(revisionOf(documentText(entry))).txTime).toBe(txTime);
    }
  });

  it.each([
    ['a txTime string naming Feb 29 of a common year', { txTime: '"2030-02-29T00:00:00.123Z"' }],
    ['a txTime string naming April 31', { txTime: '"2030-04-31T00:00:00.123Z"' }],
    ['a txTime more precise than milliseconds', { txTime: '2030-01-01T00:00:00.1234Z' }],
    ['a txTime of day precision', { txTime: '2030-01-01T' }],
    ['a txTime string naming no real day', { txTime: '"2030-02-30T00:00:00.123Z"' }],
    ['a txTime string naming no real month', { txTime: '"2030-13-01T00:00:00.123Z"' }],
    ['an amount that is an Ion int', { amount: '5' }],
    ['an amount that is an Ion float', { amount: '5e0' }],
    ['an amount that is null', { amount: 'null.decimal' }],
    ['a field that is not a journal entry’s', { extra: ', note: "x"' }],
  ])('reject a document with %s as INVALID_JOURNAL_DOCUMENT', (_, ion) => {
    expect(
      codeOf(() => journalEntryFromRevision(revisionOf(documentText(entryWith({}), ion)))),
    ).toBe('INVALID_JOURNAL_DOCUMENT');
  });

  it.each([
    ['transactionId', 'transactionId: "tx-1",', ''],
    ['a known type', 'type: "CREDIT"', 'type: "REFUND"'],
    ['an int sequence', 'sequence: 1,', 'sequence: 1.0,'],
    ['a positive sequence', 'sequence: 1,', 'sequence: 0,'],
    ['a hex hash', /hash: "[0-9a-f]{64}"/, 'hash: "XYZ"'],
    ['a struct or null metadata', 'metadata: null', 'metadata: [1]'],
    ['a string or null counterparty', 'counterparty: null', 'counterparty: 5'],
  ])('reject a document without %s as INVALID_JOURNAL_DOCUMENT', (_, find, replace) => {
    const text = documentText(entryWith({})).replace(find, replace);
    expect(codeOf(() => journalEntryFromRevision(revisionOf(text)))).toBe(
      'INVALID_JOURNAL_DOCUMENT',
    );
  });

  it('reject a hash not of 64 lowercase hex digits as INVALID_JOURNAL_DOCUMENT before any other problem the document has', () => {
    const entry = entryWith({});
    const messageOf = (text: string) => {
      try {
        journalEntryFromRevision(revisionOf(text));
      } catch (error) {
        return error instanceof JournalDocumentError ? `${error.code}: ${error.message}` : error;
      }
      return 'mapped';
    };
    const upper = documentText(entry).replace(entry.hash, entry.hash.toUpperCase());
    const form =
      'INVALID_JOURNAL_DOCUMENT: not a journal entry: hash must be 64 lowercase hex digits';
    // The right digits in capitals: not the hash's form, rather than a mismatch.
    expect(messageOf(upper)).toBe(form);
    // With a field its type must not carry, or a field that does not hash to it, as well.
    expect(messageOf(upper.replace('metadata: null', 'metadata: null, holdId: "h-1"'))).toBe(form);
    expect(messageOf(upper.replace('amount: 5.00', 'amount: 6.00'))).toBe(form);
    expect(messageOf(documentText(entry).replace(`"${entry.hash}"`, '5'))).toBe(form);
  });

  it('reject a revision without data as INVALID_JOURNAL_DOCUMENT', () => {
    const record = revisionOf('{}');
    delete record.payload.revision.data;
    expect(codeOf(() => journalEntryFromRevision(record))).toBe('INVALID_JOURNAL_DOCUMENT');
  });

  it('reject a document whose fields do not hash to its hash as JOURNAL_HASH_MISMATCH', () => {
    const entry = entryWith({});
    expect(
      codeOf(() => journalEntryFromRevision(revisionOf(documentText(entry, { amount: '6.00' })))),
    ).toBe('JOURNAL_HASH_MISMATCH');
    // A decimal whose digits differ from the hashed rendering (5.0 for "5.00") does not verify either.
    expect(
      codeOf(() => journalEntryFromRevision(revisionOf(documentText(entry, { amount: '5.0' })))),
    ).toBe('JOURNAL_HASH_MISMATCH');
  });
});

/** An amount as Ion decimal text: `7` would be an Ion int, so it is written `7.`. */
const ionDecimal = (amount: string) => (amount.includes('.') ? amount : `${amount}.`);

/**
 * An entry as a `JournalEntries` document in Ion text, written by hand from its fields: every
 * field it has (its type's own ones included), amounts as Ion decimals, `txTime` an Ion
 * timestamp, everything else as its JSON text (valid Ion for strings, null, ints and structs;
 * a metadata number with a fraction would become an Ion decimal, so the entries here have
 * none). `omit` leaves fields out and `extra` adds Ion text after the rest.
 */
function ionDocument(
  entry: JournalEntry,
  { omit = [], extra }: { omit?: readonly string[]; extra?: string } = {},
): string {
  const fields = Object.entries(entry)
    .filter(([name]) => !omit.includes(name))
    .map(([name, value]) => {
      if (name === 'amount' || name === 'balanceBefore' || name === 'balanceAfter') {
        return `${name}: ${ionDecimal(value as string)}`;
      }
      return name === 'txTime' ? `${name}: ${value}` : `${name}: ${JSON.stringify(value)}`;
    });
  return `{ ${[...fields, ...(extra === undefined ? [] : [extra])].join(', ')} }`;
}

describe('journal revisions of reversals and holds', () => {
  let special: SpecialTransactions;
  let transactions: Map<string, JournalEntry[]>;
  beforeAll(async () => {
    const { wallets } = walletFixture();
    special = await runOperations(wallets, 'alice', 'bob');
    transactions = new Map();
    for (const transactionId of Object.values(special)) {
      transactions.set(transactionId, (await wallets.getTransaction({ transactionId })).entries);
    }
  });
  const entriesOf = (transactionId: string) => transactions.get(transactionId)!;
  const special3 = () => [special.transferReversal, special.debitReversal, special.holdCapture];

  it('come from a reversal with a reason, one without, and a hold captured in part to another wallet', () => {
    const transfer = entriesOf(special.transferReversal);
    expect(transfer.map((e) => [e.accountId, e.type, e.amount])).toEqual([
      ['bob', 'REVERSAL_DEBIT', '2.00'],
      ['alice', 'REVERSAL_CREDIT', '2.00'],
    ]);
    for (const entry of transfer) {
      expect(entry).toMatchObject({ reason: 'support: sent to the wrong player "bob" ✓' });
      expect(entry.reverses).toMatch(/./);
    }
    expect(entriesOf(special.debitReversal)).toMatchObject([
      { type: 'REVERSAL_CREDIT', amount: '0.50', reason: null },
    ]);
    const capture = entriesOf(special.holdCapture);
    expect(capture.map((e) => [e.accountId, e.type, e.amount, e.holdId])).toEqual([
      ['alice', 'HOLD_CAPTURE', '3.00', expect.any(String)],
      ['bob', 'TRANSFER_IN', '3.00', undefined],
      ['alice', 'HOLD_RELEASE', '1.00', expect.any(String)],
    ]);
    expect(capture[0]!.holdId).toBe(capture[2]!.holdId);
    expect('holdId' in capture[1]!).toBe(false);
  });

  it.each([
    [
      'Ion binary, as encodeJournalRevision writes it',
      (e: JournalEntry) => encodeJournalRevision(e, SOURCE),
    ],
    [
      'Ion binary, converted from Ion text',
      (e: JournalEntry) => ionBinary(revisionText(ionDocument(e))),
    ],
    ['Ion text', (e: JournalEntry) => Buffer.from(revisionText(ionDocument(e)), 'utf8')],
  ])(
    'map the reversals and the hold capture from %s to their entries, which verify',
    (_, encode) => {
      for (const transactionId of special3()) {
        for (const entry of entriesOf(transactionId)) {
          const record = decodeQldbRecord(encode(entry));
          if (record.recordType !== 'REVISION_DETAILS') throw new Error(record.recordType);
          const mapped = journalEntryFromRevision(record);
          expect(mapped).toStrictEqual(entry);
          expect(hashEntry(mapped)).toBe(mapped.hash);
          expect(Object.keys(mapped).sort()).toEqual(
            [...JOURNAL_ENTRY_FIELDS, ...(ENTRY_TYPE_FIELDS[entry.type] ?? [])].sort(),
          );
        }
      }
    },
  );

  const typed = (type: EntryType, fields: Partial<JournalEntry>) => entryWith({ type, ...fields });
  const reversal = typed('REVERSAL_CREDIT', { reverses: 'tx-0', reason: null });
  const reversalDebit = typed('REVERSAL_DEBIT', { reverses: 'tx-0', reason: 'chargeback' });
  const hold = typed('HOLD', { holdId: 'h-1', balanceAfter: '0.00' });
  const capture = typed('HOLD_CAPTURE', { holdId: 'h-1' });
  const release = typed('HOLD_RELEASE', { holdId: 'h-1', balanceAfter: '0.00' });

  it('accept documents of every type with exactly its fields', () => {
    for (const entry of [reversal, reversalDebit, hold, capture, release]) {
      expect(journalEntryFromRevision(revisionOf(ionDocument(entry)))).toStrictEqual(entry);
    }
  });

  it.each([
    ['a CREDIT that carries holdId', entryWith({}), { extra: 'holdId: "h-1"' }],
    ['a CREDIT that carries a null reason', entryWith({}), { extra: 'reason: null' }],
    [
      'a TRANSFER_IN that carries reverses',
      typed('TRANSFER_IN', { counterparty: 'p2' }),
      { extra: 'reverses: "tx-0"' },
    ],
    ['a REVERSAL_CREDIT without reason', reversal, { omit: ['reason'] }],
    ['a REVERSAL_CREDIT without reverses', reversal, { omit: ['reverses'] }],
    ['a REVERSAL_DEBIT that carries holdId', reversalDebit, { extra: 'holdId: "h-1"' }],
    ['a HOLD without holdId', hold, { omit: ['holdId'] }],
    ['a HOLD_CAPTURE that carries reason', capture, { extra: 'reason: "x"' }],
    ['a HOLD_RELEASE whose holdId is an int', release, { omit: ['holdId'], extra: 'holdId: 5' }],
    ['a HOLD_RELEASE whose holdId is null', release, { omit: ['holdId'], extra: 'holdId: null' }],
    [
      'a REVERSAL_CREDIT whose reverses is empty',
      reversal,
      { omit: ['reverses'], extra: 'reverses: ""' },
    ],
    [
      'a REVERSAL_DEBIT whose reason is an int',
      reversalDebit,
      { omit: ['reason'], extra: 'reason: 5' },
    ],
  ])('reject %s as INVALID_JOURNAL_DOCUMENT', (_, entry, ion) => {
    expect(codeOf(() => journalEntryFromRevision(revisionOf(ionDocument(entry, ion))))).toBe(
      'INVALID_JOURNAL_DOCUMENT',
    );
  });

  it('reject a reversal whose reason is not the one hashed as JOURNAL_HASH_MISMATCH', () => {
    for (const reason of ['"chargeback!"', 'null']) {
      const text = ionDocument(reversalDebit, { omit: ['reason'], extra: `reason: ${reason}` });
      expect(codeOf(() => journalEntryFromRevision(revisionOf(text)))).toBe(
        'JOURNAL_HASH_MISMATCH',
      );
    }
  });
});

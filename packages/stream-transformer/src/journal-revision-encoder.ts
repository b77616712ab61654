import { createHash } from 'node:crypto';
import type { JournalEntry, JsonValue } from '@wallet/core';
import { Decimal, IonTypes, makeBinaryWriter, Timestamp, type Writer } from 'ion-js';
import { JOURNAL_TABLE } from './journal-revision.js';
import type { BlockAddress } from './qldb-record.js';

/**
 * Where a journal revision claims to come from. Only `ledgerName` and `tableId` are needed;
 * everything else defaults to values derived from the entry, so encoding the same entry twice
 * gives the same bytes (a duplicate, as at-least-once delivery would make).
 *
 * @example
 * const options: JournalRevisionOptions = { ledgerName: 'wallet', tableId: 'AYj94Ipn0re4Fr2PDgadpl' };
 */
export interface JournalRevisionOptions {
  /** The ledger the revision claims to come from, in its stream ARN. */
  ledgerName: string;
  /** The QLDB id of the journal table. */
  tableId: string;
  /** Default `JournalEntries`. */
  tableName?: string;
  /** Default: 22 base62 characters derived from the entry's account and sequence. */
  documentId?: string;
  /** Default 0, the insert. */
  version?: number;
  /** Default: a strand derived from the ledger name, `sequenceNo` the entry's sequence. */
  blockAddress?: BlockAddress;
  /** Default: derived from the entry's `transactionId`. */
  txId?: string;
  /** Default `arn:aws:qldb:us-east-1:000000000000:stream/<ledgerName>/<derived id>`. */
  qldbStreamArn?: string;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const UTC_TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{3})Z$/;

/**
 * Encodes a journal entry as the Ion binary REVISION_DETAILS record a QLDB stream would carry
 * for its `JournalEntries` document: amounts as Ion decimals with the currency's scale
 * (`"5.00"` is `5.00`), `txTime` as an Ion timestamp with milliseconds, `metadata` a struct or
 * null (its integers as Ion ints, other numbers as 64-bit floats, so they decode to the same
 * JSON), and the fields only some types carry (`reverses`, `reason`, `holdId`) when the entry
 * has them: `reason` a string or null. For tests and for fakes of QLDB.
 *
 * @example
 * const bytes = encodeJournalRevision(entry, { ledgerName: 'wallet', tableId: 'AYj94Ipn0re4Fr2PDgadpl' });
 * decodeQldbRecord(bytes).recordType; // "REVISION_DETAILS"
 */
export function encodeJournalRevision(
  entry: JournalEntry,
  options: JournalRevisionOptions,
): Uint8Array {
  const documentId =
    options.documentId ?? base62Id(`document:${entry.accountId}:${entry.sequence}`);
  const writer = makeBinaryWriter();
  writer.stepIn(IonTypes.STRUCT);
  writer.writeFieldName('qldbStreamArn');
  writer.writeString(
    options.qldbStreamArn ??
      `arn:aws:qldb:us-east-1:000000000000:stream/${options.ledgerName}/${base62Id(`stream:${options.ledgerName}`)}`,
  );
  writer.writeFieldName('recordType');
  writer.writeString('REVISION_DETAILS');
  writer.writeFieldName('payload');
  writer.stepIn(IonTypes.STRUCT);
  writer.writeFieldName('tableInfo');
  writer.stepIn(IonTypes.STRUCT);
  field(writer, 'tableName', options.tableName ?? JOURNAL_TABLE);
  field(writer, 'tableId', options.tableId);
  writer.stepOut();
  writer.writeFieldName('revision');
  writer.stepIn(IonTypes.STRUCT);
  const address = options.blockAddress ?? {
    strandId: base62Id(`strand:${options.ledgerName}`),
    sequenceNo: entry.sequence,
  };
  writer.writeFieldName('blockAddress');
  writer.stepIn(IonTypes.STRUCT);
  field(writer, 'strandId', address.strandId);
  writer.writeFieldName('sequenceNo');
  writer.writeInt(address.sequenceNo);
  writer.stepOut();
  writer.writeFieldName('hash');
  writer.writeBlob(createHash('sha256').update(`revision:${documentId}:${entry.hash}`).digest());
  writer.writeFieldName('data');
  writeDocument(writer, entry);
  writer.writeFieldName('metadata');
  writer.stepIn(IonTypes.STRUCT);
  field(writer, 'id', documentId);
  writer.writeFieldName('version');
  writer.writeInt(options.version ?? 0);
  writer.writeFieldName('txTime');
  writer.writeTimestamp(timestamp(entry.txTime));
  field(writer, 'txId', options.txId ?? base62Id(`tx:${entry.transactionId}`));
  writer.stepOut();
  writer.stepOut();
  writer.stepOut();
  writer.stepOut();
  writer.close();
  return writer.getBytes();
}

function writeDocument(writer: Writer, entry: JournalEntry): void {
  writer.stepIn(IonTypes.STRUCT);
  field(writer, 'transactionId', entry.transactionId);
  field(writer, 'accountId', entry.accountId);
  writer.writeFieldName('sequence');
  writer.writeInt(entry.sequence);
  field(writer, 'type', entry.type);
  field(writer, 'currency', entry.currency);
  writer.writeFieldName('amount');
  writer.writeDecimal(decimal(entry.amount));
  writer.writeFieldName('balanceBefore');
  writer.writeDecimal(decimal(entry.balanceBefore));
  writer.writeFieldName('balanceAfter');
  writer.writeDecimal(decimal(entry.balanceAfter));
  writer.writeFieldName('txTime');
  writer.writeTimestamp(timestamp(entry.txTime));
  writer.writeFieldName('idempotencyKey');
  writeJson(writer, entry.idempotencyKey);
  writer.writeFieldName('counterparty');
  writeJson(writer, entry.counterparty);
  writer.writeFieldName('metadata');
  writeJson(writer, entry.metadata);
  field(writer, 'prevHash', entry.prevHash);
  field(writer, 'hash', entry.hash);
  // The fields only some types carry, when the entry has them (as the QLDB ledger writes them).
  if (entry.reverses !== undefined) field(writer, 'reverses', entry.reverses);
  if (entry.reason !== undefined) {
    writer.writeFieldName('reason');
    writeJson(writer, entry.reason);
  }
  if (entry.holdId !== undefined) field(writer, 'holdId', entry.holdId);
  writer.stepOut();
}

function field(writer: Writer, name: string, value: string): void {
  writer.writeFieldName(name);
  writer.writeString(value);
}

function writeJson(writer: Writer, value: JsonValue): void {
  if (value === null) writer.writeNull(IonTypes.NULL);
  else if (typeof value === 'string') writer.writeString(value);
  else if (typeof value === 'boolean') writer.writeBoolean(value);
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) writer.writeInt(value);
    else writer.writeFloat64(value);
  } else if (Array.isArray(value)) {
    writer.stepIn(IonTypes.LIST);
    for (const item of value) writeJson(writer, item);
    writer.stepOut();
  } else {
    writer.stepIn(IonTypes.STRUCT);
    for (const [name, member] of Object.entries(value)) {
      writer.writeFieldName(name);
      writeJson(writer, member);
    }
    writer.stepOut();
  }
}

/** The Ion decimal with exactly the string's digits and exponent, never through a JS number. */
function decimal(text: string): Decimal {
  const negative = text.startsWith('-');
  const [whole = '', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  return new Decimal(BigInt(whole + fraction), -fraction.length, negative);
}

function timestamp(iso: string): Timestamp {
  const match = UTC_TIME.exec(iso);
  if (!match)
    throw new RangeError(`txTime ${JSON.stringify(iso)} is not ISO 8601 UTC with milliseconds`);
  const [, year, month, day, hour, minute, second, millis] = match;
  return new Timestamp(
    0,
    Number(year),
    Number(month),
    Number(day),
    Number(hour),
    Number(minute),
    new Decimal(BigInt(`${second}${millis}`), -3),
  );
}

/** A QLDB-style 22-character base62 id, derived from `seed` so it is stable. */
function base62Id(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let id = '';
  for (let i = 0; i < 22; i++) id += BASE62[digest[i]! % 62];
  return id;
}

import {
  ENTRY_TYPE_FIELDS,
  ENTRY_TYPES,
  type EntryType,
  hashEntry,
  JOURNAL_ENTRY_FIELDS,
  type JournalEntry,
  type JsonValue,
  type Metadata,
} from '@wallet/core';
import { JournalDocumentError } from './errors.js';
import type { JsonObject, RevisionDetailsRecord } from './qldb-record.js';

/**
 * The QLDB table that holds one document per journal entry (DESIGN section 6).
 *
 * @example
 * if (record.payload.tableInfo.tableName === JOURNAL_TABLE) entry = journalEntryFromRevision(record);
 */
export const JOURNAL_TABLE = 'JournalEntries';

const JOURNAL_FIELD_SET: ReadonlySet<string> = new Set(JOURNAL_ENTRY_FIELDS);
/** The fields only some entry types carry (core's `ENTRY_TYPE_FIELDS`), checked per type. */
const TYPE_FIELDS = ['reverses', 'reason', 'holdId'] as const;
const TYPE_FIELD_SET: ReadonlySet<string> = new Set(TYPE_FIELDS);
const DECIMAL = /^-?[0-9]+(?:\.[0-9]+)?$/;
const NEGATIVE_ZERO = /^-0(?:\.0+)?$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const UTC_TIME = /^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]+))?Z$/;
// Months, hours, minutes and seconds in range; days 1..31 (29..31 are checked against the month).
const UTC_MILLIS =
  /^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z$/;

/**
 * Maps the document of a `JournalEntries` revision to the {@link JournalEntry} it holds, by
 * DESIGN section 6: amounts are decimals rendered with the digits they carry (`5.00` is
 * `"5.00"`; a negative zero, which no renderer of amounts writes, is `"0.00"`), `txTime` is
 * UTC with exactly three fraction digits, `metadata` a struct or null. The document must have
 * exactly the journal entry's fields: the common ones, and those core's `ENTRY_TYPE_FIELDS`
 * gives its type, no more and no less (`reverses`, a string, and `reason`, a string or null, on
 * `REVERSAL_CREDIT` and `REVERSAL_DEBIT`; `holdId`, a string, on `HOLD`, `HOLD_CAPTURE` and
 * `HOLD_RELEASE`). They must hash to its `hash`, so the history item verifies on its own.
 *
 * @throws {JournalDocumentError} `INVALID_JOURNAL_DOCUMENT` for a revision without data or a
 *   document that is not a journal entry; `JOURNAL_HASH_MISMATCH` when `hashEntry` of the
 *   mapped fields is not its `hash`
 * @example
 * const record = decodeQldbRecord(bytes);
 * if (record.recordType === 'REVISION_DETAILS') await history.putEntries([journalEntryFromRevision(record)]);
 */
export function journalEntryFromRevision(record: RevisionDetailsRecord): JournalEntry {
  const { data, metadata } = record.payload.revision;
  if (data === undefined) throw invalid(`revision ${metadata.id}/${metadata.version} has no data`);
  return journalEntryFromDocument(data);
}

/**
 * Maps a decoded `JournalEntries` document to its journal entry (see
 * {@link journalEntryFromRevision}).
 *
 * @throws {JournalDocumentError} as {@link journalEntryFromRevision}
 * @example
 * const entry = journalEntryFromDocument(record.payload.revision.data);
 */
export function journalEntryFromDocument(document: JsonObject): JournalEntry {
  for (const field in document) {
    // The type's own fields are checked once the type is known.
    if (!JOURNAL_FIELD_SET.has(field) && !TYPE_FIELD_SET.has(field)) {
      throw invalid(`unexpected field ${JSON.stringify(field)}`);
    }
  }
  // Named reads: keyed reads with a varying key were a good part of a record's cost.
  const { transactionId, accountId, currency, idempotencyKey, counterparty } = document;
  const { amount: rawAmount, balanceBefore, balanceAfter, prevHash, hash } = document;
  const entry: JournalEntry = {
    transactionId: text(transactionId, 'transactionId'),
    accountId: text(accountId, 'accountId'),
    sequence: sequence(document.sequence),
    type: entryType(document.type),
    currency: text(currency, 'currency'),
    amount: amount(rawAmount, 'amount'),
    balanceBefore: amount(balanceBefore, 'balanceBefore'),
    balanceAfter: amount(balanceAfter, 'balanceAfter'),
    txTime: txTime(document.txTime),
    idempotencyKey: nullableText(idempotencyKey, 'idempotencyKey'),
    counterparty: nullableText(counterparty, 'counterparty'),
    metadata: metadata(document.metadata),
    prevHash: sha256Hex(prevHash, 'prevHash'),
    // The form of `hash` is checked only when something is wrong (a hash equal to the one
    // computed below has it), but still before anything else is reported, as the other fields'.
    hash: typeof hash === 'string' ? hash : sha256Hex(hash, 'hash'),
  };
  let computed: string;
  try {
    const problem = typeFieldsProblem(entry.type, document);
    if (problem !== undefined) throw invalid(problem);
    // Set only when the type carries them, so every other entry has no such member at all.
    const { reverses, reason, holdId } = document;
    if (reverses !== undefined) entry.reverses = text(reverses, 'reverses');
    if (reason !== undefined) entry.reason = nullableText(reason, 'reason');
    if (holdId !== undefined) entry.holdId = text(holdId, 'holdId');
    computed = hashEntry(entry);
    if (computed === entry.hash) return entry;
  } catch (error) {
    sha256Hex(hash, 'hash');
    throw error;
  }
  sha256Hex(hash, 'hash');
  throw new JournalDocumentError(
    'JOURNAL_HASH_MISMATCH',
    `journal entry ${entry.accountId}/${entry.sequence} hashes to ${computed}, its hash is ${entry.hash}`,
  );
}

/**
 * What is wrong with the fields only some entry types carry, on a document or an entry of
 * `type`: one it must not carry (a null counts as carried), or one it lacks; `undefined` when
 * it has exactly those core's `ENTRY_TYPE_FIELDS` gives the type.
 *
 * @example
 * typeFieldsProblem('CREDIT', { holdId: 'h-1' }); // 'a CREDIT entry carries holdId'
 */
export function typeFieldsProblem(
  type: EntryType,
  fields: { readonly [field in (typeof TYPE_FIELDS)[number]]?: unknown },
): string | undefined {
  const expected = ENTRY_TYPE_FIELDS[type];
  if (expected === undefined) {
    // The common case: a type that carries none of them.
    if (fields.reverses === undefined && fields.reason === undefined && fields.holdId === undefined)
      return undefined;
    const carried = TYPE_FIELDS.filter((field) => fields[field] !== undefined);
    return `a ${type} entry carries ${carried.join(', ')}`;
  }
  for (const field of TYPE_FIELDS) {
    const present = fields[field] !== undefined;
    if (present !== expected.includes(field)) {
      return `a ${type} entry ${present ? 'carries' : 'lacks'} ${field}`;
    }
  }
  return undefined;
}

function text(value: JsonValue | undefined, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw invalid(`${field} must be a non-empty string`);
  return value;
}

function nullableText(value: JsonValue | undefined, field: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalid(`${field} must be a string or null`);
  return value;
}

function sequence(value: JsonValue | undefined): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid('sequence must be an int >= 1');
  }
  return value;
}

function entryType(value: JsonValue | undefined): EntryType {
  if (typeof value !== 'string' || !(ENTRY_TYPES as readonly string[]).includes(value)) {
    throw invalid(`type must be one of ${ENTRY_TYPES.join(', ')}`);
  }
  return value as EntryType;
}

function amount(value: JsonValue | undefined, field: string): string {
  // A decimal decodes to its exact digits, so the string is the amount as written; JS numbers
  // never touch it.
  if (typeof value !== 'string' || !DECIMAL.test(value))
    throw invalid(`${field} must be a decimal`);
  return value.charCodeAt(0) === 45 && NEGATIVE_ZERO.test(value) ? value.slice(1) : value;
}

function txTime(value: JsonValue | undefined): string {
  // The common case, already in the one form an entry's txTime has.
  if (typeof value === 'string' && value.length === 24 && UTC_MILLIS.test(value)) {
    // Only days 29 to 31 can fall outside their month: below `YYYY-MM-29` there is no check.
    if (value < `${value.slice(0, 8)}29` || isCalendarTime(value)) return value;
  }
  const match = typeof value === 'string' ? UTC_TIME.exec(value) : null;
  if (!match) throw invalid('txTime must be a timestamp with at least second precision');
  const fraction = match[2] ?? '';
  if (/[^0]/.test(fraction.slice(3))) throw invalid('txTime is more precise than milliseconds');
  const text = `${match[1]}.${fraction.slice(0, 3).padEnd(3, '0')}Z`;
  // A string field passes the pattern with any digits; the fields must make a real instant.
  if (!isCalendarTime(text)) throw invalid(`txTime ${text} is not a calendar date and time`);
  return text;
}

/** `YYYY-MM-DDThh:mm:ss.sssZ` names a real UTC instant (month 1..12, day within the month, ...). */
function isCalendarTime(text: string): boolean {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays =
    month === 2
      ? leap
        ? 29
        : 28
      : month === 4 || month === 6 || month === 9 || month === 11
        ? 30
        : 31;
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= monthDays &&
    digitsAt(text, 11, 13) <= 23 &&
    digitsAt(text, 14, 16) <= 59 &&
    digitsAt(text, 17, 19) <= 59
  );
}

/** The number the ASCII digits `text[from..to)` spell (the caller has matched them as digits). */
function digitsAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

function metadata(value: JsonValue | undefined): Metadata | null {
  if (value === null) return null;
  if (typeof value !== 'object' || value === undefined || Array.isArray(value)) {
    throw invalid('metadata must be a struct or null');
  }
  return value;
}

function sha256Hex(value: JsonValue | undefined, field: string): string {
  if (typeof value !== 'string' || !SHA256_HEX.test(value)) {
    throw invalid(`${field} must be 64 lowercase hex digits`);
  }
  return value;
}

function invalid(problem: string): JournalDocumentError {
  return new JournalDocumentError('INVALID_JOURNAL_DOCUMENT', `not a journal entry: ${problem}`);
}

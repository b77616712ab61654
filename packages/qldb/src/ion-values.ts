import {
  ENTRY_TYPE_FIELDS,
  type IdempotencyRecord,
  type JournalEntry,
  type JsonValue,
  type LedgerRecord,
  type Metadata,
  type WalletHold,
  type WalletRecord,
} from '@wallet/core';
import { Decimal, dom, IonTypes, Timestamp } from 'ion-js';

/**
 * How wallet records, journal entries, idempotency records and ledger records become QLDB
 * documents and back.
 * Amounts are Ion decimals built from their strings, so they carry the currency's scale (`5.00`
 * has coefficient 500, exponent -2) and read back as the same string; ion-js would turn a
 * non-integer JS number into an Ion float, so numbers are never handed to it as amounts. Times
 * are Ion timestamps with millisecond precision.
 */

/**
 * A document that is not what this adapter wrote.
 *
 * @example
 * try { walletFromIon(document); }
 * catch (err) { if (err instanceof DocumentShapeError) console.error('not a wallet document:', err.message); }
 */
export class DocumentShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentShapeError';
  }
}

/**
 * An amount string as an Ion decimal of the same scale.
 *
 * @example
 * decimalToIon('5.00'); // Ion 5.00
 */
export function decimalToIon(amount: string): dom.Value {
  return new dom.Decimal(new Decimal(amount));
}

/**
 * An Ion decimal (or int) as the exact string it was written from.
 *
 * @example
 * decimalFromIon(decimalToIon('-99.50')); // '-99.50'
 */
export function decimalFromIon(value: dom.Value | null, field = 'amount'): string {
  if (value?.getType() === IonTypes.INT && !value.isNull()) return value.bigIntValue()!.toString();
  if (value?.getType() !== IonTypes.DECIMAL || value.isNull()) {
    throw new DocumentShapeError(`${field} is not an Ion decimal`);
  }
  const decimal = value.decimalValue()!;
  const coefficient = decimal.getCoefficient();
  const exponent = decimal.getExponent();
  const sign = coefficient < 0n ? '-' : '';
  const digits = (coefficient < 0n ? -coefficient : coefficient).toString();
  if (exponent >= 0) return sign + digits + '0'.repeat(exponent);
  const padded = digits.padStart(-exponent + 1, '0');
  return `${sign}${padded.slice(0, exponent)}.${padded.slice(exponent)}`;
}

/**
 * An ISO 8601 UTC time as an Ion timestamp with the same (millisecond) precision.
 *
 * @example
 * timestampToIon('2031-02-03T04:05:06.789Z');
 */
export function timestampToIon(iso: string): dom.Value {
  const timestamp = Timestamp.parse(iso);
  if (timestamp === null) throw new DocumentShapeError(`${iso} is not an ISO 8601 time`);
  return new dom.Timestamp(timestamp);
}

/**
 * An Ion timestamp as ISO 8601 UTC with milliseconds.
 *
 * @example
 * timestampFromIon(timestampToIon('2031-02-03T04:05:06.789Z')); // '2031-02-03T04:05:06.789Z'
 */
export function timestampFromIon(value: dom.Value | null, field = 'txTime'): string {
  if (value?.getType() !== IonTypes.TIMESTAMP || value.isNull()) {
    throw new DocumentShapeError(`${field} is not an Ion timestamp`);
  }
  return value.timestampValue()!.getDate().toISOString();
}

/**
 * JSON (metadata, stored results) as Ion: safe integers become Ion ints, every other number a
 * 64-bit Ion float, so each reads back as the same JS number, here and in the stream: the
 * transformer maps an Ion float to a JSON number but a decimal (and an int past 2^53) to a
 * string (DESIGN section 6), and a journal entry whose metadata changed that way no longer
 * hashes as the ledger hashed it.
 *
 * @example
 * jsonToIon({ quest: 12, ratio: 1.5 });
 */
export function jsonToIon(value: JsonValue): dom.Value {
  if (value === null) return new dom.Null(IonTypes.NULL);
  if (typeof value === 'string') return new dom.String(value);
  if (typeof value === 'boolean') return new dom.Boolean(value);
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return new dom.Integer(BigInt(value));
    return new dom.Float(value);
  }
  if (Array.isArray(value)) return new dom.List(value.map(jsonToIon));
  return new dom.Struct(Object.entries(value).map(([k, v]) => [k, jsonToIon(v)]));
}

/**
 * Ion as JSON, the inverse of {@link jsonToIon}.
 *
 * @example
 * jsonFromIon(jsonToIon({ a: [1, 'x'] })); // { a: [1, 'x'] }
 */
export function jsonFromIon(value: dom.Value): JsonValue {
  if (value.isNull()) return null;
  const type = value.getType();
  if (type === IonTypes.STRING || type === IonTypes.SYMBOL) return value.stringValue();
  if (type === IonTypes.BOOL) return value.booleanValue();
  if (type === IonTypes.INT) return Number(value.bigIntValue());
  if (type === IonTypes.DECIMAL) return Number(decimalFromIon(value));
  if (type === IonTypes.FLOAT) return value.numberValue();
  if (type === IonTypes.TIMESTAMP) return timestampFromIon(value);
  if (type === IonTypes.LIST || type === IonTypes.SEXP) return value.elements().map(jsonFromIon);
  // fromEntries defines properties, so a field named __proto__ stays data.
  if (type === IonTypes.STRUCT)
    return Object.fromEntries(value.fields().map(([k, v]) => [k, jsonFromIon(v)]));
  throw new DocumentShapeError(`an Ion ${type.name} has no JSON form`);
}

function metadataToIon(metadata: Metadata | null): dom.Value {
  return metadata === null ? new dom.Null(IonTypes.NULL) : jsonToIon(metadata);
}

function metadataFromIon(value: dom.Value | null): Metadata | null {
  if (value === null || value.isNull()) return null;
  if (value.getType() !== IonTypes.STRUCT) throw new DocumentShapeError('metadata is not a struct');
  return jsonFromIon(value) as Metadata;
}

function text(document: dom.Value, field: string): string {
  const value = document.get(field);
  if (value === null || value.isNull() || value.getType() !== IonTypes.STRING) {
    throw new DocumentShapeError(`${field} is not a string`);
  }
  return value.stringValue()!;
}

function nullableText(document: dom.Value, field: string): string | null {
  const value = document.get(field);
  return value === null || value.isNull() ? null : text(document, field);
}

function integer(document: dom.Value, field: string): number {
  const value = document.get(field);
  if (value === null || value.isNull() || value.getType() !== IonTypes.INT) {
    throw new DocumentShapeError(`${field} is not an Ion int`);
  }
  return Number(value.bigIntValue());
}

function nullableString(value: string | null): dom.Value {
  return value === null ? new dom.Null(IonTypes.NULL) : new dom.String(value);
}

/**
 * A wallet record as a `Wallets` document (balances as a struct of Ion decimals), with its
 * holds and the two fields derived from them that {@link holdFieldsToIon} describes.
 *
 * @example
 * walletToIon(record).get('balances', 'GOLD'); // Ion 10.50
 */
export function walletToIon(record: WalletRecord): dom.Value {
  return new dom.Struct([
    ['accountId', new dom.String(record.accountId)],
    ['balances', balancesToIon(record.balances)],
    ['version', new dom.Integer(record.version)],
    ['sequence', new dom.Integer(record.sequence)],
    ['headHash', new dom.String(record.headHash)],
    ['createdAt', timestampToIon(record.createdAt)],
    ['updatedAt', timestampToIon(record.updatedAt)],
    ['metadata', metadataToIon(record.metadata)],
    ...Object.entries(holdFieldsToIon(record.holds)),
  ]);
}

/**
 * The hold fields of a `Wallets` document: `holds`, the list of active holds (amounts as Ion
 * decimals, `expiresAt` as Ion timestamps); `hasHolds`, true while the list is not empty, the
 * indexed field that finds the few wallets holding anything by equality (QLDB indexes serve
 * `=` and `IN` only); and `holdsDueAt`, the earliest `expiresAt` (null without holds), which
 * `listWalletsWithExpiredHolds` compares among those wallets.
 *
 * @example
 * holdFieldsToIon([]); // { holds: [], hasHolds: false, holdsDueAt: null }
 */
export function holdFieldsToIon(holds: readonly WalletHold[]): {
  /** The active holds, an Ion list of structs. */
  holds: dom.Value;
  /** An Ion bool: true while `holds` is not empty. */
  hasHolds: dom.Value;
  /** The earliest `expiresAt` as an Ion timestamp, or Ion null without holds. */
  holdsDueAt: dom.Value;
} {
  let dueAt: string | null = null;
  for (const hold of holds) {
    if (dueAt === null || Date.parse(hold.expiresAt) < Date.parse(dueAt)) dueAt = hold.expiresAt;
  }
  return {
    holds: new dom.List(
      holds.map(
        (hold) =>
          new dom.Struct([
            ['holdId', new dom.String(hold.holdId)],
            ['currency', new dom.String(hold.currency)],
            ['amount', decimalToIon(hold.amount)],
            ['expiresAt', timestampToIon(hold.expiresAt)],
            ...(hold.placedAt === undefined
              ? []
              : [['placedAt', timestampToIon(hold.placedAt)] as [string, dom.Value]]),
          ]),
      ),
    ),
    hasHolds: new dom.Boolean(holds.length > 0),
    holdsDueAt: dueAt === null ? new dom.Null(IonTypes.NULL) : timestampToIon(dueAt),
  };
}

/**
 * Balances as an Ion struct of decimals, by currency code.
 *
 * @example
 * balancesToIon({ GOLD: '10.50' });
 */
export function balancesToIon(balances: Record<string, string>): dom.Value {
  return new dom.Struct(
    Object.entries(balances).map(([code, amount]) => [code, decimalToIon(amount)]),
  );
}

/**
 * A `Wallets` document as a wallet record.
 *
 * @example
 * walletFromIon(walletToIon(record)); // equal to record
 */
export function walletFromIon(document: dom.Value): WalletRecord {
  const balances = document.get('balances');
  if (balances === null || balances.getType() !== IonTypes.STRUCT || balances.isNull()) {
    throw new DocumentShapeError('balances is not a struct');
  }
  return {
    accountId: text(document, 'accountId'),
    balances: Object.fromEntries(
      balances.fields().map(([code, v]) => [code, decimalFromIon(v, `balances.${code}`)]),
    ),
    version: integer(document, 'version'),
    sequence: integer(document, 'sequence'),
    headHash: text(document, 'headHash'),
    createdAt: timestampFromIon(document.get('createdAt'), 'createdAt'),
    updatedAt: timestampFromIon(document.get('updatedAt'), 'updatedAt'),
    metadata: metadataFromIon(document.get('metadata')),
    holds: holdsFromIon(document.get('holds')),
  };
}

/** A `holds` list as wallet holds; a document written before holds existed has none. */
function holdsFromIon(value: dom.Value | null): WalletHold[] {
  if (value === null || value.isNull()) return [];
  if (value.getType() !== IonTypes.LIST) throw new DocumentShapeError('holds is not a list');
  return value.elements().map((hold) => {
    if (hold.getType() !== IonTypes.STRUCT || hold.isNull()) {
      throw new DocumentShapeError('a hold is not a struct');
    }
    const read: WalletHold = {
      holdId: text(hold, 'holdId'),
      currency: text(hold, 'currency'),
      amount: decimalFromIon(hold.get('amount'), 'holds.amount'),
      expiresAt: timestampFromIon(hold.get('expiresAt'), 'holds.expiresAt'),
    };
    // Absent on a hold placed before the field existed.
    const placedAt = hold.get('placedAt');
    if (placedAt !== null) read.placedAt = timestampFromIon(placedAt, 'holds.placedAt');
    return read;
  });
}

/**
 * A journal entry as a `JournalEntries` document with exactly the entry's fields: the common
 * ones, and those {@link ENTRY_TYPE_FIELDS} gives its type (`reverses` and `reason` on a
 * reversal, `holdId` on a hold's entries), never on other types.
 *
 * @example
 * entryToIon(entry).get('amount'); // Ion 5.00
 */
export function entryToIon(entry: JournalEntry): dom.Value {
  return new dom.Struct([
    ['transactionId', new dom.String(entry.transactionId)],
    ['accountId', new dom.String(entry.accountId)],
    ['sequence', new dom.Integer(entry.sequence)],
    ['type', new dom.String(entry.type)],
    ['currency', new dom.String(entry.currency)],
    ['amount', decimalToIon(entry.amount)],
    ['balanceBefore', decimalToIon(entry.balanceBefore)],
    ['balanceAfter', decimalToIon(entry.balanceAfter)],
    ['txTime', timestampToIon(entry.txTime)],
    ['idempotencyKey', nullableString(entry.idempotencyKey)],
    ['counterparty', nullableString(entry.counterparty)],
    ['metadata', metadataToIon(entry.metadata)],
    ['prevHash', new dom.String(entry.prevHash)],
    ['hash', new dom.String(entry.hash)],
    ...typeFieldsToIon(entry),
  ]);
}

/** The fields of an entry's type that the entry carries, as document fields. */
function typeFieldsToIon(entry: JournalEntry): [string, dom.Value][] {
  const fields: [string, dom.Value][] = [];
  for (const field of ENTRY_TYPE_FIELDS[entry.type] ?? []) {
    const value = entry[field];
    if (value !== undefined) fields.push([field, nullableString(value)]);
  }
  return fields;
}

/**
 * A `JournalEntries` document as the journal entry it was written from, exactly.
 *
 * @example
 * entryFromIon(entryToIon(entry)); // equal to entry, so its hash verifies
 */
export function entryFromIon(document: dom.Value): JournalEntry {
  const entry: JournalEntry = {
    transactionId: text(document, 'transactionId'),
    accountId: text(document, 'accountId'),
    sequence: integer(document, 'sequence'),
    type: text(document, 'type') as JournalEntry['type'],
    currency: text(document, 'currency'),
    amount: decimalFromIon(document.get('amount'), 'amount'),
    balanceBefore: decimalFromIon(document.get('balanceBefore'), 'balanceBefore'),
    balanceAfter: decimalFromIon(document.get('balanceAfter'), 'balanceAfter'),
    txTime: timestampFromIon(document.get('txTime'), 'txTime'),
    idempotencyKey: nullableText(document, 'idempotencyKey'),
    counterparty: nullableText(document, 'counterparty'),
    metadata: metadataFromIon(document.get('metadata')),
    prevHash: text(document, 'prevHash'),
    hash: text(document, 'hash'),
  };
  // Only the type's own fields, and only those the document holds: other fields are not read.
  for (const field of ENTRY_TYPE_FIELDS[entry.type] ?? []) {
    if (document.get(field) === null) continue;
    if (field === 'reason') entry.reason = nullableText(document, field);
    else entry[field] = text(document, field);
  }
  return entry;
}

/**
 * An idempotency record as an `IdempotencyKeys` document; the key is stored as
 * `idempotencyKey`, since KEY is a reserved word in QLDB's PartiQL.
 *
 * @example
 * idempotencyToIon(record).get('idempotencyKey');
 */
export function idempotencyToIon(record: IdempotencyRecord): dom.Value {
  return new dom.Struct([
    ['idempotencyKey', new dom.String(record.key)],
    ['fingerprint', new dom.String(record.fingerprint)],
    ['transactionId', new dom.String(record.transactionId)],
    ['result', jsonToIon(record.result)],
    ['createdAt', timestampToIon(record.createdAt)],
  ]);
}

/**
 * An `IdempotencyKeys` document as the idempotency record it was written from.
 *
 * @example
 * idempotencyFromIon(idempotencyToIon(record)); // equal to record
 */
export function idempotencyFromIon(document: dom.Value): IdempotencyRecord {
  const result = document.get('result');
  if (result === null || result.getType() !== IonTypes.STRUCT || result.isNull()) {
    throw new DocumentShapeError('result is not a struct');
  }
  return {
    key: text(document, 'idempotencyKey'),
    fingerprint: text(document, 'fingerprint'),
    transactionId: text(document, 'transactionId'),
    result: jsonFromIon(result) as IdempotencyRecord['result'],
    createdAt: timestampFromIon(document.get('createdAt'), 'createdAt'),
  };
}

/**
 * A ledger record as a `Records` document `{ recordKey, version, data }`; the key is stored as
 * `recordKey`, since KEY is a reserved word in QLDB's PartiQL.
 *
 * @example
 * recordToIon({ key: 'hold:h1', version: 1, data: { accountId: 'p1' } }).get('recordKey');
 */
export function recordToIon(record: LedgerRecord): dom.Value {
  return new dom.Struct([
    ['recordKey', new dom.String(record.key)],
    ['version', new dom.Integer(record.version)],
    ['data', jsonToIon(record.data)],
  ]);
}

/**
 * A `Records` document as the ledger record it was written from.
 *
 * @example
 * recordFromIon(recordToIon(record)); // equal to record
 */
export function recordFromIon(document: dom.Value): LedgerRecord {
  const data = document.get('data');
  if (data === null || data.getType() !== IonTypes.STRUCT || data.isNull()) {
    throw new DocumentShapeError('data is not a struct');
  }
  return {
    key: text(document, 'recordKey'),
    version: integer(document, 'version'),
    data: jsonFromIon(data) as LedgerRecord['data'],
  };
}

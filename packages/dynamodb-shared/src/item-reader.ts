import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ENTRY_TYPES, type EntryType, type JsonValue, type Metadata } from '@wallet/core';

/**
 * An item as the DynamoDB API (and a DynamoDB stream's `NewImage`) carries it.
 *
 * @example
 * const item: DynamoDbItem = { accountId: { S: 'p1' }, sequence: { N: '1' } };
 */
export type DynamoDbItem = Record<string, AttributeValue>;

/**
 * Strict, typed reads of one item's attributes. Every complaint is a `TypeError` that starts
 * with the item's `label` (which table, which key), so a malformed item is found at once.
 *
 * @example
 * const read = new ItemReader(item, `history item ${item.accountId?.S}/${item.sequence?.N}`);
 * const amount = read.string('amount');
 */
export class ItemReader {
  /**
   * @param item the item to read
   * @param label how complaints name the item, e.g. `history item p1/3`
   */
  constructor(
    protected readonly item: DynamoDbItem,
    private readonly label: string,
  ) {}

  /**
   * True when the item has the attribute, of any type.
   *
   * @example
   * if (read.has('holdId')) entry.holdId = read.string('holdId');
   */
  has(name: string): boolean {
    return this.item[name] !== undefined;
  }

  /**
   * A string (`S`) attribute.
   *
   * @throws {TypeError} when it is missing or not a string
   * @example
   * read.string('currency'); // 'GEMS'
   */
  string(name: string): string {
    const value = this.item[name]?.S;
    if (value === undefined) throw this.malformed(`has no string attribute ${name}`);
    return value;
  }

  /**
   * A string attribute, or null when it is `NULL`.
   *
   * @throws {TypeError} when it is missing or neither a string nor `NULL`
   * @example
   * read.nullableString('idempotencyKey'); // null
   */
  nullableString(name: string): string | null {
    return this.item[name]?.NULL === true ? null : this.string(name);
  }

  /**
   * A number (`N`) attribute holding a non-negative safe integer.
   *
   * @throws {TypeError} when it is missing, or not such an integer
   * @example
   * read.integer('sequence'); // 7
   */
  integer(name: string): number {
    const text = this.item[name]?.N;
    const value = Number(text);
    if (text === undefined || !Number.isSafeInteger(value) || value < 0) {
      throw this.malformed(`has no non-negative integer attribute ${name}`);
    }
    return value;
  }

  /**
   * A map (`M`) attribute whose values are all strings.
   *
   * @throws {TypeError} when it is missing, not a map, or holds a value that is not a string
   * @example
   * read.stringMap('balances'); // { GEMS: '10' }
   */
  stringMap(name: string): Record<string, string> {
    const map = this.item[name]?.M;
    if (map === undefined) throw this.malformed(`has no map attribute ${name}`);
    const strings: Record<string, string> = {};
    for (const [key, value] of Object.entries(map)) {
      if (value.S === undefined) throw this.malformed(`has a non-string ${name}.${key}`);
      strings[key] = value.S;
    }
    return strings;
  }

  /**
   * A string attribute naming one of core's `ENTRY_TYPES`.
   *
   * @throws {TypeError} when it is missing or names no entry type
   * @example
   * read.entryType('type'); // 'CREDIT'
   */
  entryType(name: string): EntryType {
    const type = this.string(name);
    if (!(ENTRY_TYPES as readonly string[]).includes(type)) {
      throw this.malformed(`has an unknown entry type ${JSON.stringify(type)}`);
    }
    return type as EntryType;
  }

  /**
   * Metadata stored as its JSON text, or null when the attribute is `NULL`.
   *
   * @throws {TypeError} when it is missing, or its text is not a JSON object
   * @example
   * read.metadata('metadata'); // { level: 3 }
   */
  metadata(name: string): Metadata | null {
    return this.item[name]?.NULL === true ? null : this.jsonObject(name);
  }

  /**
   * A string attribute holding the JSON text of an object, parsed.
   *
   * @throws {TypeError} when it is missing, not JSON, or not an object
   * @example
   * read.jsonObject('result'); // { transactionId: 't1' }
   */
  jsonObject(name: string): { [key: string]: JsonValue } {
    const text = this.string(name);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw this.malformed(`has ${name} that is not JSON`, error);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.malformed(`has ${name} that is not a JSON object`);
    }
    return value as { [key: string]: JsonValue };
  }

  /**
   * The `TypeError` for a problem with this item: its label, then `problem`.
   *
   * @example
   * throw read.malformed('is not a WALLET item');
   */
  malformed(problem: string, cause?: unknown): TypeError {
    return new TypeError(`${this.label} ${problem}`, cause === undefined ? undefined : { cause });
  }
}

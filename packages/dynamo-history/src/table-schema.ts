/**
 * The attribute names of a history table: the key that orders each wallet's entries, and the
 * TTL attribute DynamoDB expires items by (DESIGN section 1 fixes `expire_timestamp`).
 *
 * @example
 * const key = { [HISTORY_ATTRIBUTES.partitionKey]: { S: 'p1' }, [HISTORY_ATTRIBUTES.sortKey]: { N: '7' } };
 */
export const HISTORY_ATTRIBUTES = {
  /** String partition key: one partition per wallet. */
  partitionKey: 'accountId',
  /** Number sort key: the entry's `sequence`, so DynamoDB orders the wallet's journal. */
  sortKey: 'sequence',
  /** Number, epoch seconds; present only on items that should expire. */
  ttl: 'expire_timestamp',
} as const;

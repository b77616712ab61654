/**
 * A timestamptz column as ISO 8601 UTC text with milliseconds. Times are hashed as text, and
 * timestamptz keeps microseconds, so the millisecond text written comes back unchanged.
 * Written out in each query rather than as a SQL function, which the planner would parse
 * again every time it inlines it.
 *
 * @example
 * const select = `SELECT ${isoText('created_at')} AS created_at FROM "wallet".wallets`;
 */
export const isoText = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

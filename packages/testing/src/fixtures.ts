import { randomUUID } from 'node:crypto';
import type { Clock, CurrencyConfig, ExchangeRateConfig } from '@wallet/core';

/**
 * The currencies every conformance suite configures: whole gems, gold with cents, credits with
 * a 100.00 overdraft allowance, and tokens capped at 1,000.
 */
export const SUITE_CURRENCIES: readonly CurrencyConfig[] = [
  { code: 'GEMS', scale: 0 },
  { code: 'GOLD', scale: 2 },
  { code: 'CREDITS', scale: 2, minBalance: '-100.00' },
  { code: 'TOKENS', scale: 0, maxBalance: '1000' },
];

/**
 * The exchange rates every conformance suite configures: 1 GEMS buys 0.125 GOLD, 1 GOLD buys
 * 7.5 GEMS; no rate to or from TOKENS or CREDITS.
 */
export const SUITE_EXCHANGE_RATES: readonly ExchangeRateConfig[] = [
  { from: 'GEMS', to: 'GOLD', rate: '0.125' },
  { from: 'GOLD', to: 'GEMS', rate: '7.5' },
];

/**
 * Unique ids for one suite run, so suites can share a database without cleaning it.
 *
 * @example
 * const ids = uniqueIds('pg');
 * ids.account('alice'); // 'pg-3f2a9c1b.alice.1'
 */
export function uniqueIds(prefix: string) {
  // Any suite name works: characters an account id cannot hold become dashes.
  const run = `${prefix.replace(/[^A-Za-z0-9._:@-]/g, '-').replace(/^[^A-Za-z0-9]/, 'x')}-${randomUUID().slice(0, 8)}`;
  let counter = 0;
  return {
    /** A fresh account id. */
    account: (label = 'w') => `${run}.${label}.${++counter}`,
    /** A fresh idempotency key. */
    key: (label = 'k') => `${run}:${label}:${++counter}`,
  };
}

/**
 * A clock that starts at `start` and moves `stepMs` forward on every reading.
 *
 * @example
 * const clock = steppingClock('2030-01-01T00:00:00.000Z', 1000);
 */
export function steppingClock(start: string, stepMs = 1): Clock {
  let next = Date.parse(start);
  return () => {
    const now = new Date(next);
    next += stepMs;
    return now;
  };
}

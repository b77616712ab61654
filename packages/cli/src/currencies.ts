import type { CurrencyConfig } from '@wallet/core';
import { UsageError } from './usage-error.js';

/** The local server's currencies when `WALLET_CURRENCIES` is unset, so its data opens as is. */
export const DEFAULT_CURRENCIES = 'GEMS:0,GOLD:2';

/**
 * Parses `CODE:SCALE[,CODE:SCALE...]`, the local server's `WALLET_CURRENCIES` format; the first
 * is the default currency. Core checks the codes and scales themselves.
 *
 * @throws {UsageError} for text of another shape
 * @example
 * parseCurrencies('GOLD:2,GEMS:0'); // [{ code: 'GOLD', scale: 2 }, { code: 'GEMS', scale: 0 }]
 */
export function parseCurrencies(text: string): CurrencyConfig[] {
  return text.split(',').map((item) => {
    const match = /^\s*([^:\s]+):(\d{1,2})\s*$/.exec(item);
    if (!match) throw new UsageError(`currencies must look like GOLD:2,GEMS:0, got "${text}"`);
    return { code: match[1]!, scale: Number(match[2]) };
  });
}

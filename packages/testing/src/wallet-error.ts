import type { WalletErrorCode } from '@wallet/core';
import { expect } from 'vitest';

/**
 * Expects a promise to reject with a wallet error of `code`; returns the error.
 *
 * @example
 * await expectWalletError(service.withdrawFunds({ accountId, amount: '5' }), 'INSUFFICIENT_FUNDS');
 */
export async function expectWalletError(
  promise: Promise<unknown>,
  code: WalletErrorCode,
): Promise<
  Error & {
    /** The wallet error code, `code` as expected. */
    code: WalletErrorCode;
    /** The error's details, as it gives them. */
    details?: unknown;
  }
> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected ${code}, got ${JSON.stringify(value)}`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toMatchObject({ code });
  return error as Error & { code: WalletErrorCode; details?: unknown };
}

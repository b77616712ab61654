import {
  ConcurrencyConflictError,
  InsufficientFundsError,
  isWalletError,
  OutcomeUnknownError,
  StoreUnavailableError,
  WALLET_ERROR_CODES,
  WalletError,
  WalletNotFoundError,
} from '@wallet/core';
import { describe, expect, it } from 'vitest';

describe('wallet errors', () => {
  it('carry a fixed code, their context as details, and the translated error as cause', () => {
    const cause = new Error('socket hang up');
    const error = new InsufficientFundsError(
      { accountId: 'p1', currency: 'GOLD', balance: '1.00', requested: '2.00' },
      { cause },
    );
    expect(error).toBeInstanceOf(WalletError);
    expect(error.code).toBe('INSUFFICIENT_FUNDS');
    expect(error.name).toBe('InsufficientFundsError');
    expect(error.details).toEqual({
      accountId: 'p1',
      currency: 'GOLD',
      balance: '1.00',
      requested: '2.00',
    });
    expect(error.cause).toBe(cause);
    expect(isWalletError(error, 'INSUFFICIENT_FUNDS')).toBe(true);
    expect(isWalletError(error, 'WALLET_NOT_FOUND')).toBe(false);
    expect(isWalletError(cause)).toBe(false);
  });

  it('mark only store failures as retryable with the same idempotency key', () => {
    expect(new OutcomeUnknownError().retryable).toBe(true);
    expect(new StoreUnavailableError().retryable).toBe(true);
    expect(new ConcurrencyConflictError(3).retryable).toBe(true);
    expect(new WalletNotFoundError('p1').retryable).toBe(false);
  });

  it('list each of the fifteen codes of the design once', () => {
    expect(new Set(WALLET_ERROR_CODES).size).toBe(15);
    expect(WALLET_ERROR_CODES).toEqual(
      expect.arrayContaining(['TRANSACTION_NOT_FOUND', 'HOLD_NOT_FOUND', 'HOLD_NOT_ACTIVE']),
    );
  });
});

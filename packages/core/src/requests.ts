import type { Metadata } from './types.js';

/** An amount as a caller gives it: a decimal string (preferred) or an exactly representable number. */
export type AmountInput = string | number;

/**
 * Input of `createWallet`.
 *
 * @example
 * await wallets.createWallet({ accountId: 'player-1', metadata: { region: 'eu' } });
 */
export interface CreateWalletInput {
  accountId: string;
  metadata?: Metadata | null;
}

/**
 * Input of `getFunds` and `verifyWallet`.
 *
 * @example
 * await wallets.getFunds({ accountId: 'player-1' });
 */
export interface AccountInput {
  accountId: string;
}

/** What every mutating call may carry. */
export interface MutationOptions {
  /** 1..255 characters. A retry with the same key returns the original result. */
  idempotencyKey?: string | null;
  metadata?: Metadata | null;
}

/**
 * Input of `addFunds` and `withdrawFunds`.
 *
 * @example
 * await wallets.addFunds({ accountId: 'player-1', amount: '10.50', currency: 'GOLD', idempotencyKey: 'order-1' });
 */
export interface FundsInput extends MutationOptions {
  accountId: string;
  amount: AmountInput;
  /** Defaults to the service's default currency. */
  currency?: string | null;
}

/**
 * Input of `transfer`.
 *
 * @example
 * await wallets.transfer({ fromAccountId: 'p1', toAccountId: 'p2', amount: '5', idempotencyKey: 'gift-9' });
 */
export interface TransferInput extends MutationOptions {
  fromAccountId: string;
  toAccountId: string;
  amount: AmountInput;
  currency?: string | null;
}

/** One currency leg of an exchange request. */
export interface ExchangeLegInput {
  currency: string;
  amount: AmountInput;
}

/**
 * Input of `exchange`: the caller fixes both amounts, so the rate is the caller's.
 *
 * @example
 * await wallets.exchange({ accountId: 'p1', from: { currency: 'GOLD', amount: '10.00' }, to: { currency: 'GEMS', amount: '1' } });
 */
export interface ExchangeInput extends MutationOptions {
  accountId: string;
  from: ExchangeLegInput;
  to: ExchangeLegInput;
}

/**
 * Input of `getTransactionHistory`.
 *
 * @example
 * const page = await wallets.getTransactionHistory({ accountId: 'p1', limit: 20 });
 * const next = await wallets.getTransactionHistory({ accountId: 'p1', limit: 20, cursor: page.nextCursor });
 */
export interface HistoryInput {
  accountId: string;
  /** Only entries of this currency. */
  currency?: string | null;
  /** 1..1000, default 50. */
  limit?: number | null;
  /** The `nextCursor` of the previous page, made with the same filters. */
  cursor?: string | null;
  /** `desc` (newest first, the default) or `asc`. */
  order?: 'asc' | 'desc' | null;
}

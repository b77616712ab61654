import type { Digest, DigestProof } from './digest.js';
import type { Metadata } from './types.js';

/** An amount as a caller gives it: a decimal string (preferred) or a number whose `String(n)` is a plain decimal. */
export type AmountInput = string | number;

/**
 * Input of `createWallet`.
 *
 * @example
 * await wallets.createWallet({ accountId: 'player-1', metadata: { region: 'eu' } });
 */
export interface CreateWalletInput {
  /** The new wallet's id: 1..128 characters of `A-Z a-z 0-9 . _ : @ -`, a letter or digit first. */
  accountId: string;
  /** Free-form JSON object kept with the wallet, at most 4 KiB; none when absent. */
  metadata?: Metadata | null;
}

/**
 * Input of `getFunds` and `verifyWallet`.
 *
 * @example
 * await wallets.getFunds({ accountId: 'player-1' });
 */
export interface AccountInput {
  /** The wallet's account id. */
  accountId: string;
}

/**
 * What every mutating call may carry.
 *
 * @example
 * const options: MutationOptions = { idempotencyKey: 'order-1001', metadata: { sku: 'gem-pack-s' } };
 * await wallets.addFunds({ accountId: 'player-1', amount: '100', ...options });
 */
export interface MutationOptions {
  /**
   * 1..255 printable ASCII characters (0x21..0x7E). A retry with the same key and request
   * returns the original result. Keys are scoped to the wallet the operation debits (for a
   * credit, the wallet credited), so one key on two wallets is two operations.
   */
  idempotencyKey?: string | null;
  /**
   * Keeps the keys of one untrusted caller apart from everyone else's: pass one namespace per
   * caller (1..128 printable ASCII characters) for keys a player's client chose, so a player can
   * never block, replay or detect a key your servers use. Absent: your servers' own namespace.
   * The HTTP API sets it for every account-limited token.
   *
   * @example
   * await wallets.withdrawFunds({ accountId, amount: '5', idempotencyKey: clientKey, idempotencyNamespace: `player:${accountId}` });
   */
  idempotencyNamespace?: string | null;
  /** Free-form JSON object, at most 4 KiB; every string well-formed Unicode without U+0000. */
  metadata?: Metadata | null;
}

/**
 * Input of `addFunds` and `withdrawFunds`.
 *
 * @example
 * await wallets.addFunds({ accountId: 'player-1', amount: '10.50', currency: 'GOLD', idempotencyKey: 'order-1' });
 */
export interface FundsInput extends MutationOptions {
  /** The wallet credited (`addFunds`) or debited (`withdrawFunds`). */
  accountId: string;
  /** Greater than 0, with at most the currency's scale of fraction digits (never rounded). */
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
  /** The wallet debited. */
  fromAccountId: string;
  /** The wallet credited: another wallet than `fromAccountId`. */
  toAccountId: string;
  /** Greater than 0, with at most the currency's scale of fraction digits (never rounded). */
  amount: AmountInput;
  /** Defaults to the service's default currency. */
  currency?: string | null;
}

/**
 * One currency leg of an exchange request: the debited one.
 *
 * @example
 * const from: ExchangeLegInput = { currency: 'GEMS', amount: '8' };
 */
export interface ExchangeLegInput {
  /** A configured currency code. */
  currency: string;
  /** Greater than 0, with at most the currency's scale of fraction digits (never rounded). */
  amount: AmountInput;
}

/**
 * The credited leg of an exchange request: its amount is optional.
 *
 * @example
 * const to: ExchangeTargetInput = { currency: 'GOLD' }; // at the configured rate
 */
export interface ExchangeTargetInput {
  /** A configured currency code, other than the debited leg's. */
  currency: string;
  /**
   * Absent: `from.amount` times the configured rate, rounded down to this currency's scale.
   * Given: taken as it is, whatever the rate, so only trusted callers may send it (the HTTP
   * API requires the `admin` scope).
   */
  amount?: AmountInput | null;
}

/**
 * Input of `exchange`: debit `from`, credit `to` in one wallet, at the configured rate or at the
 * amount a trusted caller gives.
 *
 * @example
 * await wallets.exchange({ accountId: 'p1', from: { currency: 'GEMS', amount: '8' }, to: { currency: 'GOLD' } });
 */
export interface ExchangeInput extends MutationOptions {
  /** The wallet both legs apply to. */
  accountId: string;
  /** The currency and amount debited. */
  from: ExchangeLegInput;
  /** The currency credited, and optionally its amount. */
  to: ExchangeTargetInput;
}

/**
 * Input of `getTransactionHistory`.
 *
 * @example
 * const page = await wallets.getTransactionHistory({ accountId: 'p1', limit: 20 });
 * const next = await wallets.getTransactionHistory({ accountId: 'p1', limit: 20, cursor: page.nextCursor });
 */
export interface HistoryInput {
  /** The wallet whose journal is read. */
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

/**
 * Input of `getTransaction`.
 *
 * @example
 * await wallets.getTransaction({ transactionId: result.transactionId });
 */
export interface TransactionInput {
  /** The `transactionId` an operation returned. */
  transactionId: string;
}

/**
 * Input of `reverseTransaction`: compensating entries for every leg of a transaction, in full or
 * (for a single-leg transaction or a transfer) in part.
 *
 * @example
 * await wallets.reverseTransaction({ transactionId, reason: 'app store refund 4471', idempotencyKey: 'refund-4471' });
 */
export interface ReverseInput extends MutationOptions {
  /** The transaction to reverse; not itself a reversal. */
  transactionId: string;
  /** A part of the original amount; all that is left of it when absent. */
  amount?: AmountInput | null;
  /** Why, for the journal: 1..500 characters. */
  reason?: string | null;
}

/**
 * Input of `placeHold`.
 *
 * @example
 * const hold = await wallets.placeHold({ accountId: 'p1', amount: '50', currency: 'GEMS', expiresInSeconds: 600 });
 */
export interface PlaceHoldInput extends MutationOptions {
  /** The wallet whose funds are reserved. */
  accountId: string;
  /** Greater than 0, with at most the currency's scale of fraction digits (never rounded). */
  amount: AmountInput;
  /** Defaults to the service's default currency. */
  currency?: string | null;
  /** 1 to 604,800 (7 days); default 900. */
  expiresInSeconds?: number | null;
}

/**
 * Input of `captureHold`.
 *
 * @example
 * await wallets.captureHold({ holdId: hold.holdId, amount: '30', toAccountId: 'tournament-pool' });
 */
export interface CaptureHoldInput extends MutationOptions {
  /** The `holdId` `placeHold` returned. */
  holdId: string;
  /** Part of the hold; all of it when absent. The rest is released. */
  amount?: AmountInput | null;
  /** The wallet credited with what is captured; none (the funds leave the economy) when absent. */
  toAccountId?: string | null;
}

/**
 * Input of `getHold`.
 *
 * @example
 * const hold = await wallets.getHold({ holdId });
 */
export interface HoldInput {
  /** The `holdId` `placeHold` returned. */
  holdId: string;
}

/**
 * Input of `releaseHold`.
 *
 * @example
 * await wallets.releaseHold({ holdId: hold.holdId });
 */
export interface ReleaseHoldInput {
  /** The `holdId` `placeHold` returned. */
  holdId: string;
  /** As {@link MutationOptions.idempotencyKey}. */
  idempotencyKey?: string | null;
  /** As {@link MutationOptions.idempotencyNamespace}. */
  idempotencyNamespace?: string | null;
}

/**
 * One leg of a posting.
 *
 * @example
 * const leg: PostingLegInput = { accountId: 'seller', direction: 'credit', amount: '95' };
 */
export interface PostingLegInput {
  /** The wallet this leg debits or credits. */
  accountId: string;
  /** Defaults to the service's default currency. */
  currency?: string | null;
  /** Whether this leg takes from the wallet (`debit`) or adds to it (`credit`). */
  direction: 'debit' | 'credit';
  /** Greater than 0, with at most the currency's scale of fraction digits (never rounded). */
  amount: AmountInput;
}

/**
 * Input of `post`: 2 to 16 legs, debits equal to credits per currency, applied all or nothing.
 *
 * @example
 * await wallets.post({ legs: [
 *   { accountId: 'buyer', direction: 'debit', amount: '100' },
 *   { accountId: 'seller', direction: 'credit', amount: '95' },
 *   { accountId: 'house', direction: 'credit', amount: '5' },
 * ] });
 */
export interface PostingInput extends MutationOptions {
  /** 2 to 16 legs, the debits of each currency summing to its credits. */
  legs: readonly PostingLegInput[];
}

/**
 * Input of `listWallets`.
 *
 * @example
 * const page = await wallets.listWallets({ prefix: 'eu-', limit: 100 });
 */
export interface ListWalletsInput {
  /** Only account ids that start with this. */
  prefix?: string | null;
  /** 1..1000, default 50. */
  limit?: number | null;
  /** The `nextCursor` of the previous page, made with the same prefix. */
  cursor?: string | null;
}

/**
 * Input of `releaseExpiredHolds`.
 *
 * @example
 * await wallets.releaseExpiredHolds({ limit: 500 });
 */
export interface ReleaseExpiredHoldsInput {
  /** The most wallets to release expired holds in, 1..1000; default 100. */
  limit?: number | null;
}

/**
 * What {@link WalletService.verifyWallet} checks: the chain, and with `digest` the wallet's head
 * against a digest (or a proof) kept outside the ledger.
 *
 * @example
 * const input: VerifyWalletInput = { accountId: 'p1', digest: JSON.parse(await readFile('digest.json', 'utf8')) };
 */
export interface VerifyWalletInput {
  /** The wallet's account id. */
  accountId: string;
  /**
   * A digest from `createDigest` or a proof from `getProof`, as published: the journal's entry at
   * the leaf's sequence must have the leaf's hash.
   */
  digest?: Digest | DigestProof | null;
}

/**
 * Which proof {@link WalletService.getProof} returns.
 *
 * @example
 * const input: ProofInput = { accountId: 'p1', digestId: digest.digestId };
 */
export interface ProofInput {
  /** The wallet's account id. */
  accountId: string;
  /** The digest; the newest when absent. */
  digestId?: string | null;
}

/**
 * Which digest {@link WalletService.getDigest} returns.
 *
 * @example
 * const input: DigestInput = { digestId: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79' };
 */
export interface DigestInput {
  /** The digest's id. */
  digestId: string;
}

/**
 * A page of {@link WalletService.listDigests}.
 *
 * @example
 * const input: ListDigestsInput = { limit: 10 };
 */
export interface ListDigestsInput {
  /** 1..1000, default 50. */
  limit?: number | null;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

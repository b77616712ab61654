import { decimalToUnits, maxUnits } from './amount.js';
import type { Currency, CurrencyRegistry } from './currency.js';
import { ValidationError } from './errors.js';
import { heldOf, isCreditType, type LedgerDraft, type Leg } from './ledger-draft.js';
import type { Operation, PreparedOperation } from './operation.js';
import { MAX_RECORDS_PER_OPERATION } from './operation-size.js';
import type { WalletRecord } from './ports.js';
import { newTransactionId } from './transaction-id.js';
import type { JournalEntry } from './types.js';
import * as check from './validation.js';

/**
 * A wallet many writers credit at once (a house account taking a fee on every trade, a jackpot
 * pool, a guild bank), declared so that its credits do not all wait on one row or item.
 *
 * @example
 * const house: HotWalletConfig = { accountId: 'house', subAccounts: 16 };
 */
export interface HotWalletConfig {
  /** The wallet's account id. */
  accountId: string;
  /**
   * How many sub-accounts (`house#1` .. `house#16`) take its credits, 2 to
   * {@link MAX_SUB_ACCOUNTS}: about twice the number of writers that credit it at the same
   * moment. Every service on the ledger must declare the same; it may grow, never shrink (a
   * dropped sub-account's funds would be out of every call's reach).
   */
  subAccounts: number;
}

/**
 * The most sub-accounts a hot wallet may have: its consolidation writes every sub-account in one
 * transaction, which must stay within DynamoDB's 100 items.
 *
 * @example
 * const config = { accountId: 'house', subAccounts: MAX_SUB_ACCOUNTS };
 */
export const MAX_SUB_ACCOUNTS = 32;

/** What a consolidation's entries carry, so its transaction says what it was. */
const CONSOLIDATION = Object.freeze({ consolidates: 'sub-accounts' });

/**
 * True when the entries (their `owners`, by {@link HotWallets.ownerOf}) are a consolidation:
 * several legs, all within one hot wallet, some on its sub-accounts, marked as one. No call can
 * post such legs (a sub-account cannot be named), so the mark alone is never trusted.
 *
 * @example
 * if (isConsolidation(entries, owners)) throw new ValidationError('never reversed');
 */
export function isConsolidation(
  entries: readonly JournalEntry[],
  owners: readonly string[],
): boolean {
  return (
    entries.length > 1 &&
    owners.every((owner) => owner === owners[0]) &&
    entries.some((entry, i) => entry.accountId !== owners[i]) &&
    entries.every((entry) => entry.metadata?.consolidates === CONSOLIDATION.consolidates)
  );
}

/**
 * The hot wallets of one service. A hot wallet `house` is its main wallet plus sub-accounts
 * `house#1` .. `house#N`, each a wallet of its own in the ledger (its own row or item, its own
 * hash chain); `#` is not an account id character, so no caller can name or create one.
 *
 * - A call that only credits a hot wallet (a deposit, the receiving side of a transfer, the
 *   credit legs of a posting, a hold captured to it) is written to one sub-account, chosen by
 *   the hash of its scoped idempotency key (a retry lands where the first try did), or at random
 *   without a key. Its result names the sub-account and that sub-account's balances.
 * - Any other call that touches it (a debit, a hold on it or its capture, an exchange, a
 *   reversal) runs in one transaction with every sub-account: first a consolidation moves each
 *   sub-account's balances into the main wallet (one journaled transaction), then the call
 *   applies to the main wallet, which then holds the whole balance: limits are checked on exact
 *   sums.
 * - A currency with a `maxBalance` is never spread: a sub-account cannot know the sum, so credits
 *   in it take the exact path above.
 *
 * @example
 * const hot = new HotWallets([{ accountId: 'house', subAccounts: 16 }], currencies);
 * hot.ownerOf('house#3'); // 'house'
 */
export class HotWallets {
  /** Sub-account ids by main account id. */
  readonly #subAccounts = new Map<string, readonly string[]>();
  /** Main account id by sub-account id. */
  readonly #owners = new Map<string, string>();
  readonly #currencies: CurrencyRegistry;

  /** Currencies a sub-account may hold: see {@link spreadable}. */
  readonly #spreadable: number;

  /**
   * @throws {ValidationError} for a malformed declaration, or one whose consolidation (with the
   *   largest operation beside it, a 16-leg posting) would not fit in one transaction of a store
   *   that has a limit.
   */
  constructor(
    configs: readonly HotWalletConfig[],
    currencies: CurrencyRegistry,
    maxRecordsPerTransaction = Number.POSITIVE_INFINITY,
  ) {
    this.#currencies = currencies;
    this.#spreadable = currencies.codes.filter((code) => spreadable(currencies.get(code))).length;
    for (const config of configs) {
      const accountId = check.accountId(config.accountId, 'hotWallets.accountId');
      const count = config.subAccounts;
      if (!Number.isInteger(count) || count < 2 || count > MAX_SUB_ACCOUNTS) {
        throw new ValidationError(
          `hot wallet ${accountId}: subAccounts must be an integer from 2 to ${MAX_SUB_ACCOUNTS}`,
        );
      }
      if (this.#subAccounts.has(accountId)) {
        throw new ValidationError(`hot wallet ${accountId} is declared twice`);
      }
      const ids = Array.from({ length: count }, (_, i) => `${accountId}#${i + 1}`);
      this.#subAccounts.set(accountId, ids);
      for (const id of ids) this.#owners.set(id, accountId);
      const needed = this.consolidationRecords(accountId) + MAX_RECORDS_PER_OPERATION;
      if (needed > maxRecordsPerTransaction) {
        throw new ValidationError(
          `hot wallet ${accountId}: consolidating ${count} sub-accounts writes up to ${needed} records in one transaction, more than the ledger's ${maxRecordsPerTransaction}; declare fewer`,
        );
      }
    }
  }

  /** True when no wallet is declared hot. */
  get empty(): boolean {
    return this.#subAccounts.size === 0;
  }

  /** The sub-accounts of a hot wallet, or undefined when `accountId` is not hot. */
  subAccountsOf(accountId: string): readonly string[] | undefined {
    return this.#subAccounts.get(accountId);
  }

  /** The wallet an account id belongs to: a sub-account's main wallet, else the id itself. */
  ownerOf(accountId: string): string {
    return this.#owners.get(accountId) ?? accountId;
  }

  /** The hot wallets among `accountIds` (main or sub-account ids), each once. */
  touched(accountIds: readonly string[]): string[] {
    const hot: string[] = [];
    for (const id of accountIds) {
      const owner = this.ownerOf(id);
      if (this.#subAccounts.has(owner) && !hot.includes(owner)) hot.push(owner);
    }
    return hot;
  }

  /**
   * True when the operation only credits the hot wallets it touches, in currencies without a
   * `maxBalance`, and names no sub-account (a reversal does): its credits may go to
   * sub-accounts. Otherwise it takes the consolidating path.
   */
  canSpread(operation: Operation<unknown>, hot: readonly string[]): boolean {
    const { legs, credits } = operation;
    if (legs === null) {
      // Its currency may be known only in its transaction: one with a limit throws
      // NOT_SPREADABLE there, and the call takes the consolidating path.
      return (
        credits !== undefined &&
        hot.every((accountId) => credits.accountIds.includes(accountId)) &&
        !operation.accountIds.some((accountId) => this.#owners.has(accountId))
      );
    }
    for (const leg of legs) {
      if (!hot.includes(leg.accountId)) {
        if (this.#owners.has(leg.accountId)) return false;
        continue;
      }
      if (!isCreditType(leg.type) || !spreadable(leg.currency)) return false;
    }
    return true;
  }

  /**
   * True when the operation only debits the hot wallets it touches, in legs known before its
   * transaction (a withdrawal, a transfer out, a posting's debit legs: a payout): the main
   * wallet alone may cover it (see {@link coveredByMain}).
   */
  drawsOnMain(operation: Operation<unknown>, hot: readonly string[]): boolean {
    const { legs } = operation;
    return (
      legs?.every((leg) => !hot.includes(leg.accountId) || !isCreditType(leg.type)) === true &&
      !operation.accountIds.some((accountId) => this.#owners.has(accountId))
    );
  }

  /**
   * The fewest sub-accounts, richest first, whose funds (as `wallets` had them, read at `time`)
   * bring each hot wallet's main wallet to what the operation (one {@link drawsOnMain} allows)
   * debits from it, in every currency; null when all of them together would not (only the
   * full consolidation can then answer exactly).
   *
   * @example
   * const only = hot.covering(operation, ['house'], wallets, now); // Map { 'house' => ['house#3'] }
   */
  covering(
    operation: Operation<unknown>,
    hot: readonly string[],
    wallets: ReadonlyMap<string, WalletRecord>,
    time: string,
  ): Map<string, string[]> | null {
    const chosen = new Map<string, string[]>();
    for (const accountId of hot) {
      const main = wallets.get(accountId);
      if (!main) return null;
      const needed = new Map<Currency, bigint>();
      for (const leg of operation.legs ?? []) {
        if (leg.accountId !== accountId) continue;
        const floor = leg.currency.minUnits > 0n ? leg.currency.minUnits : 0n;
        needed.set(leg.currency, (needed.get(leg.currency) ?? floor) + leg.units);
      }
      const subs = new Set<string>();
      for (const [currency, units] of needed) {
        const unitsOf = (record: WalletRecord | undefined) =>
          decimalToUnits(record?.balances[currency.code] ?? '0', currency.scale) ?? 0n;
        // Each sub-account's balance in this currency, parsed once.
        const balances = this.#subAccounts
          .get(accountId)!
          .map((id): [string, bigint] => [id, unitsOf(wallets.get(id))]);
        let have = unitsOf(main) - heldOf(main.holds ?? [], currency, time);
        for (const [id, balance] of balances) if (subs.has(id)) have += balance;
        const richest = balances
          .filter(([id, balance]) => !subs.has(id) && balance > 0n)
          .sort(([, a], [, b]) => (b > a ? 1 : b < a ? -1 : 0));
        for (const [id, balance] of richest) {
          if (have >= units) break;
          subs.add(id);
          have += balance;
        }
        if (have < units) return null;
      }
      chosen.set(accountId, [...subs]);
    }
    return chosen;
  }

  /**
   * Throws {@link NEEDS_SUM} unless every hot wallet the operation debited (in `draft`, where it
   * was just applied to the main wallet alone) kept what it may spend at zero or more: the main
   * wallet then paid from its own funds, and since sub-accounts never go below zero the sum
   * covered it too. Otherwise the call consolidates, and a currency that allows a negative
   * balance draws on the sub-accounts before it runs into debt.
   *
   * @example
   * hot.coveredByMain(draft, operation, ['house']);
   */
  coveredByMain(draft: LedgerDraft, operation: Operation<unknown>, hot: readonly string[]): void {
    for (const leg of operation.legs ?? []) {
      if (hot.includes(leg.accountId) && draft.available(leg.accountId, leg.currency) < 0n) {
        throw NEEDS_SUM;
      }
    }
  }

  /**
   * The operation (one {@link canSpread} allows) with the legs crediting each hot wallet moved
   * to one of its sub-accounts: the one the hash of its scoped key picks (a random one without a
   * key), unless `avoided` holds it, then a random one `avoided` does not hold.
   */
  spread<R>(
    operation: PreparedOperation<R>,
    hot: readonly string[],
    avoided: ReadonlySet<string>,
  ): PreparedOperation<R> {
    const chosen = new Map<string, string>();
    for (const accountId of hot) {
      const ids = this.#subAccounts.get(accountId)!;
      const seed = operation.scopedKey;
      let id = ids[seed === null ? randomIndex(ids.length) : fnv1a(seed) % ids.length]!;
      if (avoided.has(id)) {
        const free = ids.filter((other) => !avoided.has(other));
        if (free.length > 0) id = free[randomIndex(free.length)]!;
      }
      chosen.set(accountId, id);
    }
    const moved = (accountId: string) => chosen.get(accountId) ?? accountId;
    if (operation.legs === null) {
      // The same request, so the same fingerprint: kept rather than hashed again.
      return { ...operation.credits!.to(moved), fingerprint: operation.fingerprint };
    }
    return {
      ...operation,
      accountIds: operation.accountIds.map(moved),
      legs: operation.legs!.map((leg): Leg => ({ ...leg, accountId: moved(leg.accountId) })),
    };
  }

  /**
   * Brings a hot wallet's sub-accounts into its main wallet in the draft: creates those that do
   * not exist yet, then posts one transaction moving every sub-account's balances to the main
   * wallet; with `only`, just those sub-accounts, creating none (a payout's, see
   * {@link covering}). Does nothing when the main wallet does not exist (the call then fails as
   * on any missing wallet). Run before anything that debits or limits the main wallet.
   *
   * @example
   * hot.consolidate(draft, snapshot, 'house');
   */
  consolidate(
    draft: LedgerDraft,
    wallets: ReadonlyMap<string, WalletRecord>,
    accountId: string,
    only?: readonly string[],
  ): void {
    if (!wallets.has(accountId)) return;
    const legs: Leg[] = [];
    const totals = new Map<Currency, bigint>();
    for (const id of only ?? this.#subAccounts.get(accountId)!) {
      const record = wallets.get(id);
      if (!record) {
        if (!only) draft.createWallet(id, null);
        continue;
      }
      for (const code of Object.keys(record.balances)) {
        const currency = this.#currencies.get(code);
        const units = draft.available(id, currency);
        if (units <= 0n) continue;
        // A sub-account is part of its wallet, not a wallet with limits of its own: the
        // wallet's minimum applies to the sum, checked on the main wallet once it holds it.
        legs.push({
          accountId: id,
          currency: { ...currency, minUnits: 0n },
          units,
          type: 'POSTING_OUT',
          counterparty: accountId,
        });
        totals.set(currency, (totals.get(currency) ?? 0n) + units);
      }
    }
    if (legs.length === 0) return;
    for (const [currency, units] of totals) {
      legs.push({ accountId, currency, units, type: 'POSTING_IN', counterparty: null });
    }
    draft.post({
      transactionId: newTransactionId(draft.epochMs),
      idempotencyKey: null,
      metadata: CONSOLIDATION,
      legs,
    });
  }

  /**
   * The most records a consolidation of `accountId` writes: every sub-account (created or
   * changed) and the main wallet, and an entry per sub-account and currency a sub-account may
   * hold, and one per such currency on the main wallet.
   */
  consolidationRecords(accountId: string): number {
    const count = this.#subAccounts.get(accountId)?.length ?? 0;
    return count + 1 + (count + 1) * this.#spreadable;
  }
}

/**
 * Thrown in a spread operation's transaction when its currency, known only there, has a limit
 * (a capture's): the call then takes the consolidating path.
 *
 * @example
 * if (!spreadable(currency)) throw NOT_SPREADABLE;
 */
export const NOT_SPREADABLE = new Error('the currency has a limit: not spread');

/**
 * Thrown in a payout's transaction on a hot wallet's main wallet alone when the main wallet
 * cannot cover it from its own funds: the call then consolidates and runs on the sum.
 *
 * @example
 * if (draft.available('house', gold) < 0n) throw NEEDS_SUM;
 */
export const NEEDS_SUM = new Error('the main wallet alone cannot cover it: consolidate');

/**
 * A currency a sub-account may be credited in: one with no `maxBalance` (only the ceiling of
 * 18 integer digits), since a sub-account cannot check a limit on the sum.
 *
 * @example
 * if (!spreadable(currency)) throw NOT_SPREADABLE;
 */
export function spreadable(currency: Currency): boolean {
  return currency.maxUnits === maxUnits(currency.scale);
}

function randomIndex(length: number): number {
  return Math.floor(Math.random() * length);
}

/** 32-bit FNV-1a of a string's UTF-16 code units: cheap, stable across processes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

import { decimalToUnits, parseAmount } from './amount.js';
import { canonicalJson } from './canonical-json.js';
import { type Clock, systemClock } from './clock.js';
import { type CoalesceOptions, createCoalescer } from './coalescer.js';
import { type Currency, type CurrencyConfig, CurrencyRegistry } from './currency.js';
import { DIGEST_ID_PATTERN, type Digest, type DigestProof, parseAnchor } from './digest.js';
import {
  anchoredLeaf,
  listDigests,
  lookupLeaf,
  readDigest,
  writeDigest,
} from './digest-records.js';
import {
  ConcurrencyConflictError,
  InsufficientFundsError,
  ValidationError,
  WalletNotFoundError,
} from './errors.js';
import { type ExchangeRateConfig, ExchangeRates } from './exchange-rate.js';
import {
  decodeCursor,
  decodeMergedCursor,
  encodeCursor,
  encodeMergedCursor,
} from './history-cursor.js';
import {
  captureHoldOperation,
  checkedRefusal,
  holdDetails,
  placeHoldOperation,
  releaseHoldOperation,
} from './holds.js';
import { type HotWalletConfig, HotWallets, NEEDS_SUM, NOT_SPREADABLE } from './hot-wallets.js';
import { fundsRequestJson, requestKeys as keys } from './idempotency.js';
import { type Instrumentation, instrumented } from './instrumentation.js';
import { heldOf, LedgerDraft, MAX_EXPIRIES_PER_WRITE } from './ledger-draft.js';
import { mergedHistory } from './merged-history.js';
import {
  applyOperation,
  type Operation,
  type OperationContext,
  type PreparedOperation,
  prepareOperation,
} from './operation.js';
import type { HistoryStore, JournalReader, LedgerStore, WalletRecord } from './ports.js';
import { postingOperation } from './posting.js';
import type {
  AccountInput,
  CaptureHoldInput,
  CreateWalletInput,
  DigestInput,
  ExchangeInput,
  FundsInput,
  HistoryInput,
  HoldInput,
  ListDigestsInput,
  ListWalletsInput,
  PlaceHoldInput,
  PostingInput,
  ProofInput,
  ReleaseExpiredHoldsInput,
  ReleaseHoldInput,
  ReverseInput,
  TransactionInput,
  TransferInput,
  VerifyWalletInput,
} from './requests.js';
import { reverseOperation, transactionDetails } from './reversal.js';
import { newTransactionId } from './transaction-id.js';
import type {
  CaptureResult,
  DigestPage,
  ExchangeResult,
  ExpiredHoldsReport,
  FundsResult,
  HistoryPage,
  HoldResult,
  JournalEntry,
  PostingResult,
  ReversalResult,
  TransactionDetails,
  TransferResult,
  VerificationReport,
  Wallet,
  WalletPage,
} from './types.js';
import * as check from './validation.js';
import { JournalVerifier } from './verify-journal.js';
import { journalPages } from './verify-wallets.js';
import { decodeWalletCursor, encodeWalletCursor } from './wallet-cursor.js';

/**
 * How to build a {@link WalletService}.
 *
 * @example
 * const options: WalletServiceOptions = {
 *   ledger: createMemoryLedger(),
 *   currencies: [{ code: 'GEMS', scale: 0 }, { code: 'GOLD', scale: 2 }],
 * };
 */
export interface WalletServiceOptions {
  /** The system of record. */
  ledger: LedgerStore;
  /** Where history is read from; the ledger's journal when absent. */
  history?: HistoryStore;
  /** The accepted currencies; at least one. */
  currencies: readonly CurrencyConfig[];
  /** Used when a call names no currency; the first configured one when absent. */
  defaultCurrency?: string;
  /**
   * The rates `exchange` applies when a call gives no `to.amount`: 1 `from` buys `rate` `to`,
   * rounded down to the target's scale. A pair without a rate cannot be exchanged that way.
   *
   * @example
   * exchangeRates: [{ from: 'GEMS', to: 'GOLD', rate: '12.5' }, { from: 'GOLD', to: 'GEMS', rate: '0.08' }]
   */
  exchangeRates?: readonly ExchangeRateConfig[];
  /** The time source for `txTime`, `createdAt` and `updatedAt`. */
  clock?: Clock;
  /**
   * Group concurrent operations into shared ledger transactions (for hot wallets): `true` for
   * the defaults, or the limits. Off by default. Batches also stay within the ledger's own
   * `maxRecordsPerTransaction`, so no store needs a `maxBatch` to be safe.
   * See {@link CoalesceOptions}.
   */
  coalesce?: boolean | CoalesceOptions;
  /**
   * Wallets many writers credit at once (a house account, a jackpot pool, a guild bank): each
   * takes its credits on sub-accounts of its own, so writers in different processes do not
   * wait on one row or item, and sums them wherever its balance counts. None by default.
   * See {@link HotWalletConfig} and docs/decisions.md.
   *
   * @example
   * hotWallets: [{ accountId: 'house', subAccounts: 16 }]
   */
  hotWallets?: readonly HotWalletConfig[];
  /**
   * Hooks for metrics, tracing and logs: `operation` runs around every call, `onBatch` after
   * each coalesced batch. Give the same object to the ledger for its retries. None by default,
   * at no cost. See {@link Instrumentation}.
   */
  instrumentation?: Instrumentation;
}

/**
 * The wallet API: every rule of money lives here, stores only persist.
 * All calls are async and throw {@link WalletError} subclasses on purpose.
 *
 * @example
 * const wallets: WalletService = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
 * await wallets.createWallet({ accountId: 'player-1' });
 * await wallets.addFunds({ accountId: 'player-1', amount: '100', idempotencyKey: 'purchase-1' });
 */
export interface WalletService {
  /** Creates an empty wallet. Throws `WALLET_ALREADY_EXISTS` when the account has one. */
  createWallet(input: CreateWalletInput): Promise<Wallet>;
  /** Reads a wallet with a balance for every configured currency. */
  getFunds(input: AccountInput): Promise<Wallet>;
  /** Credits a wallet. */
  addFunds(input: FundsInput): Promise<FundsResult>;
  /** Debits a wallet; `INSUFFICIENT_FUNDS` when the balance would fall below `minBalance`. */
  withdrawFunds(input: FundsInput): Promise<FundsResult>;
  /** Moves funds between two wallets atomically. */
  transfer(input: TransferInput): Promise<TransferResult>;
  /**
   * Debits one currency and credits another in one wallet atomically: at the configured rate
   * when `to.amount` is absent, else at the amount given (trusted callers only).
   */
  exchange(input: ExchangeInput): Promise<ExchangeResult>;
  /**
   * A page of a wallet's journal; of a hot wallet, its journal and every sub-account's as one,
   * in time order (each credit under the sub-account that took it).
   *
   * @example
   * const page = await wallets.getTransactionHistory({ accountId: 'house', order: 'desc', limit: 50 });
   */
  getTransactionHistory(input: HistoryInput): Promise<HistoryPage>;
  /**
   * Recomputes a wallet's hash chain and balances from its journal, read page by page: memory
   * stays bounded by one page whatever the journal's length. With `digest` (a digest or a proof
   * kept outside the ledger) it also checks that the journal's entry at the digest's leaf has
   * the leaf's hash, so a rewrite of history before the digest shows however consistent the
   * rewritten chain is.
   */
  verifyWallet(input: VerifyWalletInput): Promise<VerificationReport>;
  /**
   * Reads every wallet's head (in pages, without blocking writers) into a Merkle root, stores
   * the digest in the ledger and returns it: publish it outside the ledger.
   */
  createDigest(): Promise<Digest>;
  /** A digest the ledger stores; `VALIDATION_ERROR` when it holds none with the id. */
  getDigest(input: DigestInput): Promise<Digest>;
  /** The digests the ledger stores, newest first. */
  listDigests(input?: ListDigestsInput): Promise<DigestPage>;
  /**
   * The proof that ties a wallet's head to a digest's root (the newest digest when `digestId` is
   * absent). `VALIDATION_ERROR` for a `digestId` the ledger holds no digest under;
   * `WALLET_NOT_FOUND` when the digest holds no leaf for the wallet, or there is no digest yet.
   * A copy of the digest the ledger no longer holds whole throws a `DigestIntegrityError`.
   */
  getProof(input: ProofInput): Promise<DigestProof>;
  /**
   * Every entry of one transaction and the transactions that reversed it.
   * `TRANSACTION_NOT_FOUND` when no entry has the id.
   */
  getTransaction(input: TransactionInput): Promise<TransactionDetails>;
  /**
   * Compensating entries for every leg of a transaction (a refund, a chargeback, a support
   * correction): in full, or in part for a single-leg transaction or a transfer, never beyond
   * the original. A reversal is never reversed. Below `minBalance` only where the currency sets
   * `reversalOverdraft`.
   */
  reverseTransaction(input: ReverseInput): Promise<ReversalResult>;
  /** Reserves funds: every debit may then spend only `balance - held`. */
  placeHold(input: PlaceHoldInput): Promise<HoldResult>;
  /** Debits all or part of a hold (to another wallet when `toAccountId`); the rest is released. */
  captureHold(input: CaptureHoldInput): Promise<CaptureResult>;
  /** Frees all of a hold's funds. */
  releaseHold(input: ReleaseHoldInput): Promise<HoldResult>;
  /** A hold as it stands now; `HOLD_NOT_FOUND` when no hold has the id. */
  getHold(input: HoldInput): Promise<HoldResult>;
  /**
   * Releases in the journal the holds that expired (their funds were already free for reads and
   * debits), in up to `limit` wallets. Run it on a schedule; writes also release them on their way.
   */
  releaseExpiredHolds(input?: ReleaseExpiredHoldsInput): Promise<ExpiredHoldsReport>;
  /** 2..16 legs over any wallets, balanced per currency, applied all or nothing. */
  post(input: PostingInput): Promise<PostingResult>;
  /** Wallets by account id ascending, optionally those whose id starts with `prefix`. */
  listWallets(input?: ListWalletsInput): Promise<WalletPage>;
  /** The service's currencies, in configuration order. */
  readonly currencies: CurrencyRegistry;
}

const DEFAULT_HISTORY_LIMIT = 50;
const MAX_HISTORY_LIMIT = 1000;

/**
 * Builds the wallet service over a ledger (and optionally a history store).
 *
 * @example
 * const wallets = createWalletService({
 *   ledger: createMemoryLedger(),
 *   currencies: [{ code: 'GEMS', scale: 0 }],
 * });
 * await wallets.createWallet({ accountId: 'player-1' });
 * await wallets.addFunds({ accountId: 'player-1', amount: '100', idempotencyKey: 'purchase-1' });
 */
export function createWalletService(options: WalletServiceOptions): WalletService {
  const { ledger } = options;
  const journal: JournalReader = options.history ?? ledger;
  const clock = options.clock ?? systemClock;
  const currencies = new CurrencyRegistry(options.currencies);
  const defaultCurrency = currencies.get(options.defaultCurrency ?? currencies.codes[0]);
  const rates = new ExchangeRates(options.exchangeRates ?? [], currencies);

  const currencyOf = (code: unknown): Currency =>
    code === undefined || code === null ? defaultCurrency : currencies.get(code);
  const hot = new HotWallets(options.hotWallets ?? [], currencies, ledger.maxRecordsPerTransaction);
  const ownerOf = (accountId: string) => hot.ownerOf(accountId);
  const context: OperationContext = { currencies, currencyOf, ownerOf };

  function toWallet(record: WalletRecord, now: string): Wallet {
    const balances: Record<string, string> = {};
    const held: Record<string, string> = {};
    for (const code of currencies.codes) {
      const currency = currencies.get(code);
      balances[code] = normalized(record, currency);
      held[code] = currency.render(heldOf(record.holds ?? [], currency, now));
    }
    for (const [code, value] of Object.entries(record.balances)) balances[code] ??= value;
    const { accountId, version, createdAt, updatedAt } = record;
    const metadata = record.metadata === null ? null : structuredClone(record.metadata);
    return { accountId, balances, held, version, createdAt, updatedAt, metadata };
  }

  const now = () => clock().toISOString();

  async function existingWallet(accountId: string): Promise<WalletRecord> {
    const record = await ledger.getWallet(accountId);
    if (!record) throw new WalletNotFoundError(accountId);
    return record;
  }

  /** One wallet's chain and balances, checked page by page (and against a digest's leaf). */
  async function verifyChain(
    wallet: WalletRecord,
    anchor: ReturnType<typeof parseAnchor> | undefined,
  ): Promise<VerificationReport> {
    const { accountId } = wallet;
    const verifier = new JournalVerifier(accountId, currencies);
    if (anchor) {
      const { leaf, problems } = await anchoredLeaf(ledger, anchor, accountId);
      verifier.anchor(anchor.digestId, leaf, problems);
    }
    for await (const page of journalPages(ledger, accountId)) {
      for (const entry of page) verifier.add(entry);
    }
    return verifier.finish(wallet);
  }

  /** The wallets of `accountIds` that exist, as one read-only transaction sees them. */
  function readWallets(accountIds: string[]): Promise<ReadonlyMap<string, WalletRecord>> {
    return ledger.transact({
      accountIds,
      idempotencyKeys: [],
      recordKeys: NO_RECORDS,
      decide: (snapshot) => ({ write: null, result: snapshot.wallets }),
    });
  }

  /**
   * A hot wallet as one record: its main wallet with the balances of every sub-account added in
   * (read in one transaction, so a consolidation is never counted twice or missed), the sum of
   * their versions and the latest update.
   */
  async function hotWalletRecord(
    accountId: string,
    subAccounts: readonly string[],
  ): Promise<WalletRecord> {
    const read = async () => [...(await readWallets([accountId, ...subAccounts])).values()];
    // A store may read the rows one by one (DynamoDB's batch read is consistent per item only),
    // so a consolidation committing in between could be counted twice or missed. Versions only
    // grow: two reads in a row with the same versions saw no write in between, a snapshot.
    let records = await read();
    for (let attempt = 1; ; attempt++) {
      const again = await read();
      if (sameVersions(records, again)) break;
      if (attempt === MAX_STABLE_READS) throw new ConcurrencyConflictError(attempt);
      records = again;
    }
    const main = records.find((record) => record.accountId === accountId);
    if (!main) throw new WalletNotFoundError(accountId);
    const units = new Map<string, bigint>();
    let version = 0;
    let updatedAt = main.updatedAt;
    for (const record of records) {
      version += record.version;
      if (record.updatedAt > updatedAt) updatedAt = record.updatedAt;
      for (const [code, value] of Object.entries(record.balances)) {
        const currency = currencies.get(code);
        units.set(code, (units.get(code) ?? 0n) + decimalToUnits(value, currency.scale)!);
      }
    }
    const balances: Record<string, string> = {};
    for (const [code, sum] of units) balances[code] = currencies.get(code).render(sum);
    return { ...main, balances, version, updatedAt };
  }

  const coalescer =
    options.coalesce === undefined || options.coalesce === false
      ? undefined
      : createCoalescer(
          ledger,
          clock,
          currencies,
          options.coalesce === true ? {} : options.coalesce,
          options.instrumentation?.onBatch?.bind(options.instrumentation),
        );
  const recordLimit = ledger.maxRecordsPerTransaction ?? Number.POSITIVE_INFINITY;

  function run<R>(operation: Operation<R>): Promise<R> {
    if (hot.empty) return runPrepared(prepareOperation(operation));
    const touched = hot.touched(operation.accountIds);
    if (touched.length === 0) return runPrepared(prepareOperation(operation));
    if (hot.canSpread(operation, touched)) return runSpread(prepareOperation(operation), touched);
    return hot.drawsOnMain(operation, touched)
      ? runOnMainFirst(prepareOperation(operation), touched)
      : (runConsolidated(prepareOperation(operation), touched) as Promise<R>);
  }

  function runPrepared<R>(prepared: PreparedOperation<R>): Promise<R> {
    return coalescer ? coalescer.submit(prepared) : transactOne(prepared, false);
  }

  /**
   * One operation in a transaction of its own. With `hop`, a second call of `decide` (the store
   * retrying after a lost race, when the first attempt wrote nothing) throws {@link LOST_RACE};
   * `check` may refuse the applied draft before anything is written.
   */
  function transactOne<R>(
    prepared: PreparedOperation<R>,
    hop: boolean,
    check?: (draft: LedgerDraft) => void,
  ): Promise<R> {
    let decided = false;
    return ledger.transact({
      accountIds: prepared.accountIds,
      idempotencyKeys: prepared.scopedKey === null ? [] : [prepared.scopedKey],
      recordKeys: prepared.recordKeys,
      decide(snapshot) {
        if (hop && decided) throw LOST_RACE;
        decided = true;
        const draft = new LedgerDraft(
          snapshot,
          clock(),
          currencies,
          recordLimit - prepared.maxRecords,
        );
        const result = applyOperation(draft, prepared);
        check?.(draft);
        return { write: draft.toWrite(), result };
      },
    });
  }

  /**
   * A credit on sub-accounts. A sub-account is created on its first use: the first credit that
   * finds one missing runs the consolidation, which creates them, and tries again. A credit that
   * loses a race (the store calls `decide` again, which it does only when the first attempt
   * wrote nothing) moves to another sub-account at once, up to {@link MAX_HOPS} times, rather
   * than backing off and waiting for the same one; after that the store retries as usual.
   */
  async function runSpread<R>(prepared: PreparedOperation<R>, touched: string[]): Promise<R> {
    const avoided = new Set<string>();
    let created = false;
    for (let hops = 0; ; hops++) {
      const spread = hot.spread(prepared, touched, avoided);
      try {
        return await (coalescer || hops === MAX_HOPS
          ? runPrepared(spread)
          : transactOne(spread, true));
      } catch (error) {
        if (error === LOST_RACE) {
          for (const id of spread.accountIds) if (hot.ownerOf(id) !== id) avoided.add(id);
          continue;
        }
        if (error === NOT_SPREADABLE) return runConsolidated(prepared, touched) as Promise<R>;
        if (
          !(error instanceof WalletNotFoundError) ||
          hot.ownerOf(error.accountId) === error.accountId
        ) {
          throw error;
        }
        // Still missing once created: the hot wallet itself does not exist. Say so by its name.
        if (created) throw new WalletNotFoundError(hot.ownerOf(error.accountId));
        await runConsolidated(null, touched);
        created = true;
      }
    }
  }

  /**
   * A payout from a hot wallet, in up to three steps, each taken only when the one before finds
   * the main wallet short (it cannot cover the payout from its own funds):
   * 1. the main wallet alone, which holds what the last consolidation brought in: no
   *    sub-account is named, so the payout races no credit;
   * 2. the main wallet and the fewest sub-accounts that cover it, by a read of their balances
   *    beforehand, consolidated in the payout's transaction: it races the credits of those few
   *    only (on DynamoDB a transaction naming every sub-account loses to each credit that lands
   *    in between, so under a steady stream of credits it may never commit);
   * 3. every sub-account, as any other call that debits the hot wallet: the exact answer.
   * A payout answers with the main wallet's balances, which are the sum only after step 3.
   */
  async function runOnMainFirst<R>(prepared: PreparedOperation<R>, touched: string[]): Promise<R> {
    const short = (error: unknown) =>
      error === NEEDS_SUM ||
      (error instanceof InsufficientFundsError && touched.includes(error.accountId));
    try {
      return await transactOne(prepared, false, (draft) =>
        hot.coveredByMain(draft, prepared, touched),
      );
    } catch (error) {
      if (!short(error)) throw error;
    }
    const ids = touched.flatMap((accountId) => [accountId, ...hot.subAccountsOf(accountId)!]);
    const only = hot.covering(prepared, touched, await readWallets(ids), now());
    if (only !== null) {
      try {
        return (await runConsolidated(prepared, touched, only)) as R;
      } catch (error) {
        if (!short(error)) throw error;
      }
    }
    return runConsolidated(prepared, touched) as Promise<R>;
  }

  /**
   * An operation that debits or limits a hot wallet: one transaction with every sub-account,
   * consolidated into the main wallet first (unless the call is a replay), so the operation
   * sees the whole balance; with `only`, a payout's few sub-accounts instead (see
   * {@link runOnMainFirst}), refused with {@link NEEDS_SUM} if they no longer cover it. Outside the coalescer: such calls are rare and touch many rows.
   * Without an operation (null), it only consolidates (and creates missing sub-accounts).
   */
  async function runConsolidated<R>(
    prepared: PreparedOperation<R> | null,
    touched: string[],
    only?: ReadonlyMap<string, readonly string[]>,
  ): Promise<R | null> {
    const accountIds = new Set(prepared?.accountIds);
    let records = prepared?.maxRecords ?? 0;
    for (const accountId of touched) {
      accountIds.add(accountId);
      for (const id of only?.get(accountId) ?? hot.subAccountsOf(accountId)!) accountIds.add(id);
      records += hot.consolidationRecords(accountId);
    }
    if (records > recordLimit && touched.length > 1) {
      // Several hot wallets (a transfer from one to another) may not all fit one transaction
      // of the store beside the call; each fits alone (the declaration is checked for that),
      // so they are consolidated one by one first, leaving the call's own consolidation little.
      for (const accountId of touched) await runConsolidated(null, [accountId]);
    }
    return ledger.transact({
      accountIds: [...accountIds],
      idempotencyKeys: prepared?.scopedKey ? [prepared.scopedKey] : [],
      recordKeys: prepared?.recordKeys ?? NO_RECORDS,
      decide(snapshot) {
        const draft = new LedgerDraft(snapshot, clock(), currencies, recordLimit - records);
        const key = prepared?.scopedKey;
        if (!key || !snapshot.idempotency.has(key)) {
          for (const accountId of touched) {
            hot.consolidate(draft, snapshot.wallets, accountId, only?.get(accountId));
          }
        }
        const result = prepared === null ? null : applyOperation(draft, prepared);
        // A payout's few sub-accounts may have been consolidated since they were read.
        if (only && prepared) hot.coveredByMain(draft, prepared, touched);
        return { write: draft.toWrite(), result };
      },
    });
  }

  async function funds(input: FundsInput, direction: 'CREDIT' | 'DEBIT'): Promise<FundsResult> {
    const request = check.requestObject(input);
    const accountId = check.accountId(request.accountId);
    const currency = currencyOf(request.currency);
    const units = parseAmount(request.amount, currency.scale);
    const metadata = check.metadata(request.metadata);
    const { idempotencyKey, scopedKey } = keys(request, accountId);
    return run({
      accountIds: [accountId],
      idempotencyKey,
      scopedKey,
      recordKeys: NO_RECORDS,
      maxRecords: scopedKey === null ? 2 : 3,
      // Methods rather than arrow functions: a build that keeps function names (tsx, which
      // runs the examples and benches) would otherwise name two new functions on every call.
      canonicalRequest() {
        return fundsRequestJson({
          operation: direction === 'CREDIT' ? 'addFunds' : 'withdrawFunds',
          accountId,
          currency: currency.code,
          amount: currency.render(units),
          metadata,
        });
      },
      metadata,
      legs: [{ accountId, currency, units, type: direction, counterparty: null }],
      result([entry], transactionId, txTime) {
        return {
          transactionId,
          // The wallet's own id, or the sub-account of a hot wallet the credit went to.
          accountId: entry!.accountId,
          currency: currency.code,
          amount: entry!.amount,
          previousBalance: entry!.balanceBefore,
          currentBalance: entry!.balanceAfter,
          txTime,
          replayed: false,
        };
      },
    });
  }

  const service: WalletService = {
    currencies,

    async createWallet(input) {
      const request = check.requestObject(input);
      const accountId = check.accountId(request.accountId);
      const metadata = check.metadata(request.metadata);
      // A hot wallet is created with its sub-accounts.
      const subAccounts = hot.subAccountsOf(accountId) ?? [];
      const record = await ledger.transact<WalletRecord>({
        accountIds: [accountId, ...subAccounts],
        idempotencyKeys: [],
        recordKeys: NO_RECORDS,
        decide(snapshot) {
          const draft = new LedgerDraft(snapshot, clock(), currencies);
          const created = draft.createWallet(accountId, metadata);
          for (const id of subAccounts) {
            if (!snapshot.wallets.has(id)) draft.createWallet(id, null);
          }
          return { write: draft.toWrite(), result: created };
        },
      });
      return toWallet(record, record.createdAt);
    },

    async getFunds(input) {
      const accountId = check.accountId(check.requestObject(input).accountId);
      const subAccounts = hot.subAccountsOf(accountId);
      if (subAccounts === undefined) return toWallet(await existingWallet(accountId), now());
      return toWallet(await hotWalletRecord(accountId, subAccounts), now());
    },

    addFunds: (input) => funds(input, 'CREDIT'),

    withdrawFunds: (input) => funds(input, 'DEBIT'),

    async transfer(input) {
      const request = check.requestObject(input);
      const from = check.accountId(request.fromAccountId, 'fromAccountId');
      const to = check.accountId(request.toAccountId, 'toAccountId');
      if (from === to) {
        throw new ValidationError('fromAccountId and toAccountId must differ', {
          field: 'toAccountId',
        });
      }
      const currency = currencyOf(request.currency);
      const units = parseAmount(request.amount, currency.scale);
      const metadata = check.metadata(request.metadata);
      const { idempotencyKey, scopedKey } = keys(request, from);
      return run({
        accountIds: [from, to],
        idempotencyKey,
        scopedKey,
        recordKeys: NO_RECORDS,
        maxRecords: scopedKey === null ? 4 : 5,
        canonicalRequest() {
          return canonicalJson({
            operation: 'transfer',
            fromAccountId: from,
            toAccountId: to,
            currency: currency.code,
            amount: currency.render(units),
            metadata,
          });
        },
        metadata,
        legs: [
          { accountId: from, currency, units, type: 'TRANSFER_OUT', counterparty: to },
          { accountId: to, currency, units, type: 'TRANSFER_IN', counterparty: from },
        ],
        result([out, into], transactionId, txTime) {
          return {
            transactionId,
            currency: currency.code,
            amount: out!.amount,
            txTime,
            replayed: false,
            from: side(out!),
            to: side(into!),
          };
        },
      });
    },

    async exchange(input) {
      const request = check.requestObject(input);
      const accountId = check.accountId(request.accountId);
      const fromLeg = check.requestObject(request.from, 'from');
      const toLeg = check.requestObject(request.to, 'to');
      const fromCurrency = currencies.get(fromLeg.currency);
      const toCurrency = currencies.get(toLeg.currency);
      if (fromCurrency === toCurrency) {
        throw new ValidationError('an exchange needs two different currencies', {
          field: 'to.currency',
        });
      }
      const fromUnits = parseAmount(fromLeg.amount, fromCurrency.scale, 'from.amount');
      const atRate = toLeg.amount === undefined || toLeg.amount === null;
      const toUnits = atRate
        ? rates.convert(fromCurrency, toCurrency, fromUnits)
        : parseAmount(toLeg.amount, toCurrency.scale, 'to.amount');
      const metadata = check.metadata(request.metadata);
      const { idempotencyKey, scopedKey } = keys(request, accountId);
      return run({
        accountIds: [accountId],
        idempotencyKey,
        scopedKey,
        recordKeys: NO_RECORDS,
        maxRecords: scopedKey === null ? 3 : 4,
        canonicalRequest() {
          // At the configured rate the request names no target amount: a retry after the rate
          // changed is still the same request, and replays what the first call got.
          const to = atRate
            ? { currency: toCurrency.code }
            : { currency: toCurrency.code, amount: toCurrency.render(toUnits) };
          return canonicalJson({
            operation: 'exchange',
            accountId,
            from: { currency: fromCurrency.code, amount: fromCurrency.render(fromUnits) },
            to,
            metadata,
          });
        },
        metadata,
        legs: [
          {
            accountId,
            currency: fromCurrency,
            units: fromUnits,
            type: 'EXCHANGE_OUT',
            counterparty: null,
          },
          {
            accountId,
            currency: toCurrency,
            units: toUnits,
            type: 'EXCHANGE_IN',
            counterparty: null,
          },
        ],
        result([out, into], transactionId, txTime) {
          return {
            transactionId,
            accountId,
            txTime,
            replayed: false,
            from: exchangeSide(out!),
            to: exchangeSide(into!),
          };
        },
      });
    },

    async getTransactionHistory(input) {
      const request = check.requestObject(input);
      const accountId = check.accountId(request.accountId);
      const currency =
        request.currency === undefined || request.currency === null
          ? null
          : currencies.get(request.currency).code;
      const limit = boundedLimit(request.limit, DEFAULT_HISTORY_LIMIT, 'limit');
      const order = historyOrder(request.order);
      const filters = { accountId, currency, order };
      const subAccounts = hot.subAccountsOf(accountId);
      if (subAccounts !== undefined) {
        // A hot wallet's history is its own journal and its sub-accounts', read as one.
        const accountIds = [accountId, ...subAccounts];
        const positions =
          request.cursor === undefined || request.cursor === null
            ? []
            : decodeMergedCursor(cursorText(request.cursor), filters, accountIds.length);
        const page = await mergedHistory(
          journal,
          accountIds,
          { ...(currency === null ? {} : { currency }), order, limit },
          positions,
        );
        if (page.items.length === 0 && positions.length === 0) await existingWallet(accountId);
        const nextCursor = page.next ? encodeMergedCursor(page.next, filters) : null;
        return { items: page.items, nextCursor };
      }
      const startAfter =
        request.cursor === undefined || request.cursor === null
          ? undefined
          : decodeCursor(cursorText(request.cursor), filters);
      const rows = await journal.queryEntries({
        accountId,
        ...(currency === null ? {} : { currency }),
        order,
        ...(startAfter === undefined ? {} : { startAfter }),
        limit: limit + 1,
      });
      if (rows.length === 0) await existingWallet(accountId);
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      const nextCursor = rows.length > limit && last ? encodeCursor(last.sequence, filters) : null;
      return { items, nextCursor };
    },

    async verifyWallet(input) {
      const request = check.requestObject(input);
      const accountId = check.accountId(request.accountId);
      const anchor =
        request.digest === undefined || request.digest === null
          ? undefined
          : parseAnchor(request.digest);
      const report = await verifyChain(await existingWallet(accountId), anchor);
      // A hot wallet's sub-accounts each carry a chain of their own; the report covers all.
      for (const id of hot.subAccountsOf(accountId) ?? []) {
        // A wallet declared hot after it was created has no sub-accounts before its next credit.
        const sub = await ledger.getWallet(id);
        if (!sub) continue;
        // A digest holds every sub-account's head; a proof holds one leaf, the wallet's own.
        const part = await verifyChain(sub, anchor && !('leaf' in anchor) ? anchor : undefined);
        report.entries += part.entries;
        for (const problem of part.problems) report.problems.push(`${id}: ${problem}`);
      }
      report.ok = report.problems.length === 0;
      return report;
    },

    getTransaction: async (input) =>
      transactionDetails(ledger, check.requestObject(input).transactionId),

    reverseTransaction: async (input) => run(await reverseOperation(input, context, ledger)),

    placeHold: async (input) => run(placeHoldOperation(input, context)),

    // The operation is built first: a refusal of the request itself is not checked again.
    captureHold: async (input) => checkedRefusal(ledger, run(captureHoldOperation(input, context))),

    releaseHold: async (input) => checkedRefusal(ledger, run(releaseHoldOperation(input, context))),

    getHold: async (input) =>
      holdDetails(ledger, context, check.requestObject(input).holdId, now()),

    async releaseExpiredHolds(input = {}) {
      const limit = boundedLimit(check.requestObject(input).limit, 100, 'limit');
      const accountIds = await ledger.listWalletsWithExpiredHolds({ dueBy: now(), limit });
      let released = 0;
      let wallets = 0;
      for (const accountId of accountIds) {
        let inWallet = 0;
        // A few per transaction (bounded like any write); a wallet with more takes a few rounds.
        for (;;) {
          const count = await ledger.transact<number>({
            accountIds: [accountId],
            idempotencyKeys: [],
            recordKeys: NO_RECORDS,
            decide(snapshot) {
              if (!snapshot.wallets.has(accountId)) return { write: null, result: 0 };
              const draft = new LedgerDraft(snapshot, clock(), currencies, recordLimit - 1);
              const result = draft.releaseExpired(accountId);
              return { write: draft.toWrite(), result };
            },
          });
          inWallet += count;
          if (count < MAX_EXPIRIES_PER_WRITE) break;
        }
        released += inWallet;
        if (inWallet > 0) wallets++;
      }
      return { released, wallets };
    },

    post: async (input) => run(postingOperation(input, context)),

    createDigest: () => writeDigest(ledger, newTransactionId(clock().getTime()), now()),

    getDigest: async (input) =>
      readDigest(ledger, digestId(check.requestObject(input).digestId, 'digestId')),

    async listDigests(input = {}) {
      const request = check.requestObject(input);
      const limit = boundedLimit(request.limit, DEFAULT_HISTORY_LIMIT, 'limit');
      const from =
        request.cursor === undefined || request.cursor === null
          ? undefined
          : digestId(request.cursor, 'cursor');
      const { items, next } = await listDigests(ledger, limit, from);
      return { items, nextCursor: next };
    },

    async getProof(input) {
      const request = check.requestObject(input);
      const accountId = check.accountId(request.accountId);
      const id =
        request.digestId === undefined || request.digestId === null
          ? (await listDigests(ledger, 1)).items[0]?.digestId
          : digestId(request.digestId, 'digestId');
      if (id === undefined) {
        throw new WalletNotFoundError(accountId, {
          message: `wallet ${accountId} is in no digest: the ledger holds none yet`,
          digestId: null,
        });
      }
      const { proof } = await lookupLeaf(ledger, id, accountId);
      if (proof === null) {
        throw new WalletNotFoundError(accountId, {
          message: `wallet ${accountId} is not in digest ${id}: it was created after it`,
          digestId: id,
        });
      }
      return proof;
    },

    async listWallets(input = {}) {
      const request = check.requestObject(input);
      const prefix = walletPrefix(request.prefix);
      const limit = boundedLimit(request.limit, DEFAULT_HISTORY_LIMIT, 'limit');
      const startAfter =
        request.cursor === undefined || request.cursor === null
          ? undefined
          : decodeWalletCursor(cursorText(request.cursor), prefix);
      // Sub-accounts are not wallets a caller knows: they are skipped (reading on until the
      // page is full, so a hot wallet never leaves an empty page), and a hot wallet is listed
      // once, summed.
      const visible: WalletRecord[] = [];
      let after = startAfter;
      for (let more = true; more && visible.length <= limit; ) {
        const rows = await ledger.listWallets({
          limit: limit + 1,
          ...(prefix === '' ? {} : { prefix }),
          ...(after === undefined ? {} : { startAfter: after }),
        });
        for (const record of rows) {
          if (hot.ownerOf(record.accountId) === record.accountId) visible.push(record);
        }
        more = rows.length > limit;
        after = rows[rows.length - 1]?.accountId;
      }
      const time = now();
      const items: Wallet[] = [];
      for (const record of visible.slice(0, limit)) {
        const subAccounts = hot.subAccountsOf(record.accountId);
        items.push(
          toWallet(
            subAccounts === undefined
              ? record
              : await hotWalletRecord(record.accountId, subAccounts),
            time,
          ),
        );
      }
      const last = items[items.length - 1];
      const nextCursor =
        visible.length > limit && last ? encodeWalletCursor(last.accountId, prefix) : null;
      return { items, nextCursor };
    },
  };
  return instrumented(service, options.instrumentation);
}

/** How many pairs of reads a hot wallet's balance may take to see no write in between. */
const MAX_STABLE_READS = 8;

/** True when two reads of the same wallets found each at the same version. */
function sameVersions(a: readonly WalletRecord[], b: readonly WalletRecord[]): boolean {
  if (a.length !== b.length) return false;
  const versions = new Map(a.map((record) => [record.accountId, record.version]));
  return b.every((record) => versions.get(record.accountId) === record.version);
}

/** How many times a credit to a hot wallet moves to another sub-account after losing a race. */
const MAX_HOPS = 3;

/**
 * Thrown by a spread credit's `decide` when the store calls it a second time (the first attempt
 * lost a race and wrote nothing), so the credit moves to another sub-account.
 */
const LOST_RACE = new Error('lost the race for a sub-account');

/** The records an operation that keeps none reads: shared, never changed. */
const NO_RECORDS: readonly string[] = Object.freeze([]);

const PREFIX_PATTERN = /^[A-Za-z0-9._:@-]{0,128}$/;

/** A listing prefix: absent or a string of account id characters, at most 128. */
function walletPrefix(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' || !PREFIX_PATTERN.test(value)) {
    throw new ValidationError('prefix must be at most 128 characters of A-Z a-z 0-9 . _ : @ -', {
      field: 'prefix',
    });
  }
  return value;
}

/** A digest id (or a digest cursor, which is one): 1..64 printable ASCII characters. */
function digestId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !DIGEST_ID_PATTERN.test(value)) {
    throw new ValidationError(`${field} must be a digest id`, { field });
  }
  return value;
}

/** An optional page size from 1 to 1000, `fallback` when absent. */
function boundedLimit(value: unknown, fallback: number, field: string): number {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_HISTORY_LIMIT) {
    throw new ValidationError(`${field} must be an integer from 1 to ${MAX_HISTORY_LIMIT}`, {
      field,
    });
  }
  return value as number;
}

function normalized(record: WalletRecord, currency: Currency): string {
  const stored = record.balances[currency.code];
  if (stored === undefined) return currency.render(0n);
  const units = decimalToUnits(stored, currency.scale);
  return units === undefined ? stored : currency.render(units);
}

function side(entry: JournalEntry) {
  return {
    accountId: entry.accountId,
    previousBalance: entry.balanceBefore,
    currentBalance: entry.balanceAfter,
  };
}

function exchangeSide(entry: JournalEntry) {
  return {
    currency: entry.currency,
    amount: entry.amount,
    previousBalance: entry.balanceBefore,
    currentBalance: entry.balanceAfter,
  };
}

function historyOrder(value: unknown): 'asc' | 'desc' {
  if (value === undefined || value === null) return 'desc';
  if (value !== 'asc' && value !== 'desc') {
    throw new ValidationError('order must be "asc" or "desc"', { field: 'order' });
  }
  return value;
}

function cursorText(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512) {
    throw new ValidationError('cursor is malformed', { field: 'cursor' });
  }
  return value;
}

/**
 * Every error code a wallet call can fail with. A closed set: clients switch on it.
 *
 * @example
 * if (err instanceof WalletError && err.code === 'INSUFFICIENT_FUNDS') showTopUpDialog();
 */
export const WALLET_ERROR_CODES = [
  'VALIDATION_ERROR',
  'INVALID_AMOUNT',
  'INVALID_ACCOUNT_ID',
  'UNKNOWN_CURRENCY',
  'WALLET_NOT_FOUND',
  'WALLET_ALREADY_EXISTS',
  'INSUFFICIENT_FUNDS',
  'BALANCE_LIMIT_EXCEEDED',
  'IDEMPOTENCY_KEY_REUSED',
  'CONCURRENCY_CONFLICT',
  'OUTCOME_UNKNOWN',
  'STORE_UNAVAILABLE',
  'TRANSACTION_NOT_FOUND',
  'HOLD_NOT_FOUND',
  'HOLD_NOT_ACTIVE',
] as const;

/** One of {@link WALLET_ERROR_CODES}. */
export type WalletErrorCode = (typeof WALLET_ERROR_CODES)[number];

/** Context a client may show or log; never contains secrets or stack traces. */
export type WalletErrorDetails = Record<string, string | number | boolean | null>;

/**
 * Options every wallet error accepts.
 *
 * @example
 * throw new StoreUnavailableError('connection refused', { cause: err });
 */
export interface WalletErrorOptions {
  /** The error this one translates, e.g. the database driver's. */
  cause?: unknown;
}

/**
 * Marks every wallet error, in a registry shared by every copy of this package in a process
 * (an ESM and a CJS build, two installed versions), so one copy recognises another's errors.
 */
const WALLET_ERROR_BRAND: unique symbol = Symbol.for('@wallet/core.WalletError') as never;

const CODES: ReadonlySet<string> = new Set(WALLET_ERROR_CODES);

/**
 * The base of every error the SDK throws on purpose. `code` is fixed per subclass.
 *
 * `instanceof WalletError` also holds for a wallet error made by another copy of this package
 * in the same process (an ESM and a CJS build side by side); to tell subclasses apart across
 * copies, compare `code` or use {@link isWalletError}.
 *
 * @example
 * try { await wallets.withdrawFunds({ accountId: 'p1', amount: '5' }); }
 * catch (err) { if (err instanceof WalletError) console.log(err.code, err.details); }
 */
export abstract class WalletError extends Error {
  /** The fixed code of this kind of failure. */
  abstract readonly code: WalletErrorCode;

  /** Set on every instance's prototype chain; see {@link isWalletError}. */
  declare readonly [WALLET_ERROR_BRAND]: true;

  /**
   * `instanceof WalletError` by brand, so errors of another copy of the package count too;
   * subclasses keep the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class on the right of `instanceof`: this one, or a subclass inheriting it.
    // biome-ignore lint/complexity/noThisInStatic: subclasses must not answer as the base does.
    if (this === WalletError) return isWalletError(value);
    // biome-ignore lint/complexity/noThisInStatic: the ordinary check, against the subclass.
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  constructor(message: string, options: WalletErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }

  /** Context safe to return to a client (the HTTP API puts it in `error.details`). */
  get details(): WalletErrorDetails | undefined {
    return undefined;
  }

  /** True for failures a caller may retry with the same idempotency key. */
  get retryable(): boolean {
    return false;
  }
}

/**
 * A request that breaks a rule other than the more specific codes below
 * (a transfer to itself, a bad limit, a cursor reused with other filters, ...).
 *
 * @example
 * throw new ValidationError('fromAccountId and toAccountId must differ', { field: 'toAccountId' });
 */
export class ValidationError extends WalletError {
  readonly code = 'VALIDATION_ERROR' as const;
  readonly #details: WalletErrorDetails | undefined;

  constructor(message: string, details?: WalletErrorDetails, options?: WalletErrorOptions) {
    super(message, options);
    this.#details = details;
  }

  override get details(): WalletErrorDetails | undefined {
    return this.#details;
  }
}

/**
 * An amount that is not a positive exact decimal within its currency's scale.
 *
 * @example
 * new InvalidAmountError('amount', 'has more than 2 fraction digits');
 */
export class InvalidAmountError extends WalletError {
  readonly code = 'INVALID_AMOUNT' as const;

  constructor(
    /** The request field that held the amount, e.g. `amount` or `from.amount`. */
    readonly field: string,
    /** Why it was rejected. */
    readonly reason: string,
    options?: WalletErrorOptions,
  ) {
    super(`${field} ${reason}`, options);
  }

  override get details(): WalletErrorDetails {
    return { field: this.field, reason: this.reason };
  }
}

/**
 * An account id that does not match `^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$`.
 *
 * @example
 * new InvalidAccountIdError('accountId');
 */
export class InvalidAccountIdError extends WalletError {
  readonly code = 'INVALID_ACCOUNT_ID' as const;

  constructor(
    /** The request field that held the id. */
    readonly field: string,
    options?: WalletErrorOptions,
  ) {
    super(
      `${field} must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ - starting with a letter or digit`,
      options,
    );
  }

  override get details(): WalletErrorDetails {
    return { field: this.field };
  }
}

/**
 * A currency code the service is not configured with.
 *
 * @example
 * new UnknownCurrencyError('RUBIES');
 */
export class UnknownCurrencyError extends WalletError {
  readonly code = 'UNKNOWN_CURRENCY' as const;

  constructor(
    /** The code asked for, as given (a non-string one as JSON). */
    readonly currency: string,
    options?: WalletErrorOptions,
  ) {
    super(`unknown currency ${JSON.stringify(currency.slice(0, 32))}`, options);
  }

  /**
   * The error for `code` as a caller gave it, whatever it is: a string as it is, anything else
   * as its JSON, so `["GOLD"]` is not mistaken for the code GOLD (and as its kind where it has
   * no JSON, such as a cyclic object or one whose `toJSON` throws).
   *
   * @example
   * UnknownCurrencyError.of({ code: 'GOLD' }).currency; // '{"code":"GOLD"}'
   */
  static of(code: unknown, options?: WalletErrorOptions): UnknownCurrencyError {
    return new UnknownCurrencyError(typeof code === 'string' ? code : jsonName(code), options);
  }

  override get details(): WalletErrorDetails {
    return { currency: this.currency.slice(0, 32) };
  }
}

/** A non-string as JSON text, or as its kind when it has none or making it throws. */
function jsonName(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * No wallet exists for the account.
 *
 * @example
 * new WalletNotFoundError('player-1');
 */
export class WalletNotFoundError extends WalletError {
  readonly code = 'WALLET_NOT_FOUND' as const;

  constructor(
    /** The account id that has no wallet. */
    readonly accountId: string,
    options?: WalletErrorOptions & {
      /** Says more than "does not exist", e.g. that a digest holds no leaf for the wallet. */
      message?: string;
      /**
       * Set by `getProof`: the digest that holds no leaf for the wallet, or null when the ledger
       * holds no digest at all.
       */
      digestId?: string | null;
    },
  ) {
    super(options?.message ?? `wallet ${accountId} does not exist`, options);
    if (options?.digestId !== undefined) this.digestId = options.digestId;
  }

  /** Set by `getProof` (see the constructor); absent otherwise. */
  readonly digestId?: string | null;

  override get details(): WalletErrorDetails {
    return this.digestId === undefined
      ? { accountId: this.accountId }
      : { accountId: this.accountId, digestId: this.digestId };
  }
}

/**
 * `createWallet` for an account that already has a wallet.
 *
 * @example
 * new WalletAlreadyExistsError('player-1');
 */
export class WalletAlreadyExistsError extends WalletError {
  readonly code = 'WALLET_ALREADY_EXISTS' as const;

  constructor(
    /** The account id that already has a wallet. */
    readonly accountId: string,
    options?: WalletErrorOptions,
  ) {
    super(`wallet ${accountId} already exists`, options);
  }

  override get details(): WalletErrorDetails {
    return { accountId: this.accountId };
  }
}

/**
 * A debit that would take the balance below the currency's `minBalance`.
 *
 * @example
 * new InsufficientFundsError({ accountId: 'p1', currency: 'GOLD', balance: '3.00', requested: '5.00' });
 */
export class InsufficientFundsError extends WalletError {
  readonly code = 'INSUFFICIENT_FUNDS' as const;
  /** The wallet the debit was refused in. */
  readonly accountId: string;
  /** The currency code of the debit. */
  readonly currency: string;
  /** The balance before the debit, rendered at the currency's scale. */
  readonly balance: string;
  /** The amount asked for, rendered at the currency's scale. */
  readonly requested: string;
  /**
   * What active holds reserve of the balance, when they reserve anything: the debit could
   * spend only `balance - held`. Absent when nothing is held.
   */
  readonly held: string | undefined;

  constructor(
    context: {
      accountId: string;
      currency: string;
      balance: string;
      requested: string;
      held?: string;
    },
    options?: WalletErrorOptions,
  ) {
    super(
      `wallet ${context.accountId} has ${context.balance} ${context.currency}` +
        `${context.held === undefined ? '' : ` (${context.held} held)`}, ${context.requested} requested`,
      options,
    );
    this.accountId = context.accountId;
    this.currency = context.currency;
    this.balance = context.balance;
    this.requested = context.requested;
    this.held = context.held;
  }

  override get details(): WalletErrorDetails {
    const { accountId, currency, balance, requested, held } = this;
    return held === undefined
      ? { accountId, currency, balance, requested }
      : { accountId, currency, balance, requested, held };
  }
}

/**
 * A credit that would take the balance above the currency's `maxBalance`
 * (or beyond 18 integer digits, the bound every store can hold exactly).
 *
 * @example
 * new BalanceLimitExceededError({ accountId: 'p1', currency: 'GEMS', balance: '990', requested: '20', limit: '1000' });
 */
export class BalanceLimitExceededError extends WalletError {
  readonly code = 'BALANCE_LIMIT_EXCEEDED' as const;
  /** The wallet the credit was refused in. */
  readonly accountId: string;
  /** The currency code of the credit. */
  readonly currency: string;
  /** The balance before the credit, rendered at the currency's scale. */
  readonly balance: string;
  /** The amount to credit, rendered at the currency's scale. */
  readonly requested: string;
  /** The highest balance the currency allows, rendered at its scale. */
  readonly limit: string;

  constructor(
    context: {
      accountId: string;
      currency: string;
      balance: string;
      requested: string;
      limit: string;
    },
    options?: WalletErrorOptions,
  ) {
    super(
      `crediting ${context.requested} ${context.currency} to wallet ${context.accountId} would exceed its limit of ${context.limit}`,
      options,
    );
    this.accountId = context.accountId;
    this.currency = context.currency;
    this.balance = context.balance;
    this.requested = context.requested;
    this.limit = context.limit;
  }

  override get details(): WalletErrorDetails {
    const { accountId, currency, balance, requested, limit } = this;
    return { accountId, currency, balance, requested, limit };
  }
}

/**
 * An idempotency key that already committed with a different request.
 *
 * @example
 * new IdempotencyKeyReusedError('order-77');
 */
export class IdempotencyKeyReusedError extends WalletError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED' as const;

  constructor(
    /** The key, as the caller sent it. */
    readonly idempotencyKey: string,
    options?: WalletErrorOptions,
  ) {
    super('this idempotency key was already used for a different request', options);
  }

  override get details(): WalletErrorDetails {
    return { idempotencyKey: this.idempotencyKey };
  }
}

/**
 * The store kept reporting conflicting concurrent writes until its retries ran out.
 * Nothing was written; the call may be retried.
 *
 * @example
 * new ConcurrencyConflictError(8, { cause: pgError });
 */
export class ConcurrencyConflictError extends WalletError {
  readonly code = 'CONCURRENCY_CONFLICT' as const;

  constructor(
    /** How many times the transaction was attempted. */
    readonly attempts: number,
    options?: WalletErrorOptions,
  ) {
    super(`the transaction conflicted with concurrent writes ${attempts} times`, options);
  }

  override get details(): WalletErrorDetails {
    return { attempts: this.attempts };
  }

  override get retryable(): boolean {
    return true;
  }
}

/**
 * The store may or may not have committed (e.g. the connection dropped after COMMIT was sent).
 * Retry with the same idempotency key: it returns the original result or applies once.
 *
 * @example
 * new OutcomeUnknownError({ cause: socketError });
 */
export class OutcomeUnknownError extends WalletError {
  readonly code = 'OUTCOME_UNKNOWN' as const;

  constructor(options?: WalletErrorOptions) {
    super(
      'the store may or may not have committed this operation; retry with the same idempotency key',
      options,
    );
  }

  override get retryable(): boolean {
    return true;
  }
}

/**
 * The store could not be reached or refused the work before anything was written.
 *
 * @example
 * new StoreUnavailableError('connection refused', { cause: err });
 */
export class StoreUnavailableError extends WalletError {
  readonly code = 'STORE_UNAVAILABLE' as const;

  constructor(message = 'the ledger store is unavailable', options?: WalletErrorOptions) {
    super(message, options);
  }

  override get retryable(): boolean {
    return true;
  }
}

/**
 * No journal entry has the transaction id.
 *
 * @example
 * new TransactionNotFoundError('0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79');
 */
export class TransactionNotFoundError extends WalletError {
  readonly code = 'TRANSACTION_NOT_FOUND' as const;

  constructor(
    /** The transaction id asked for. */
    readonly transactionId: string,
    options?: WalletErrorOptions,
  ) {
    super(`transaction ${transactionId} does not exist`, options);
  }

  override get details(): WalletErrorDetails {
    return { transactionId: this.transactionId };
  }
}

/**
 * No hold has the id.
 *
 * @example
 * new HoldNotFoundError('0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79~player-1');
 */
export class HoldNotFoundError extends WalletError {
  readonly code = 'HOLD_NOT_FOUND' as const;

  constructor(
    /** The hold id asked for. */
    readonly holdId: string,
    options?: WalletErrorOptions,
  ) {
    super(`hold ${holdId} does not exist`, options);
  }

  override get details(): WalletErrorDetails {
    return { holdId: this.holdId };
  }
}

/**
 * A capture or release of a hold that was already captured, released or has expired.
 *
 * @example
 * new HoldNotActiveError('0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79~player-1', 'captured');
 */
export class HoldNotActiveError extends WalletError {
  readonly code = 'HOLD_NOT_ACTIVE' as const;

  constructor(
    /** The hold captured or released. */
    readonly holdId: string,
    /** Where the hold stands: `captured`, `released` or `expired`. */
    readonly status: string,
    options?: WalletErrorOptions,
  ) {
    super(`hold ${holdId} is ${status}, not active`, options);
  }

  override get details(): WalletErrorDetails {
    return { holdId: this.holdId, status: this.status };
  }
}

Object.defineProperty(WalletError.prototype, WALLET_ERROR_BRAND, { value: true });

/**
 * True when `value` is a {@link WalletError}, optionally of one code, including one thrown by
 * another copy of this package in the same process (an ESM and a CJS build side by side, or
 * two installed versions): it checks a brand registered with `Symbol.for` and a known `code`,
 * not the prototype chain.
 *
 * @example
 * if (isWalletError(err, 'OUTCOME_UNKNOWN')) retryWithSameKey();
 */
export function isWalletError(value: unknown, code?: WalletErrorCode): value is WalletError {
  if (typeof value !== 'object' || value === null) return false;
  const branded = value as { [WALLET_ERROR_BRAND]?: unknown; code?: unknown };
  if (branded[WALLET_ERROR_BRAND] !== true || typeof branded.code !== 'string') return false;
  return code === undefined ? CODES.has(branded.code) : branded.code === code;
}

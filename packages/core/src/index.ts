export { decimalToUnits, MAX_INTEGER_DIGITS, parseAmount, renderAmount } from './amount.js';
export { canonicalJson } from './canonical-json.js';
export { type Clock, systemClock } from './clock.js';
export type { CoalesceOptions } from './coalescer.js';
export { type Currency, type CurrencyConfig, CurrencyRegistry } from './currency.js';
export {
  DIGEST_ALGORITHM,
  type Digest,
  DigestIntegrityError,
  type DigestProof,
  parseAnchor,
  verifyProof,
} from './digest.js';
export * from './errors.js';
export { type ExchangeRateConfig, ExchangeRates } from './exchange-rate.js';
export { GENESIS_HASH, hashEntry } from './hash-chain.js';
export { DEFAULT_HOLD_SECONDS, MAX_ACTIVE_HOLDS, MAX_HOLD_SECONDS } from './holds.js';
export { type HotWalletConfig, MAX_SUB_ACCOUNTS } from './hot-wallets.js';
export { requestFingerprint, scopedIdempotencyKey } from './idempotency.js';
export type { BatchEvent, Instrumentation, StoreRetryEvent } from './instrumentation.js';
export { jsonLogger, type Logger, type LogRecord, silentLogger } from './logger.js';
export { createMemoryHistory } from './memory-history.js';
export { createMemoryLedger, type MemoryLedger } from './memory-ledger.js';
export {
  type DigestLeaf,
  EMPTY_MERKLE_ROOT,
  leafHash,
  merklePath,
  merkleRoot,
  nodeHash,
  type ProofStep,
  rootFromPath,
} from './merkle.js';
export type * from './ports.js';
export { MAX_POSTING_LEGS, MIN_POSTING_LEGS } from './posting.js';
export type * from './requests.js';
export { type RetryPolicy, withRetries } from './retry-policy.js';
export { MAX_REASON_LENGTH } from './reversal.js';
export { newTransactionId } from './transaction-id.js';
export type * from './types.js';
export {
  CREDIT_ENTRY_TYPES,
  DEBIT_ENTRY_TYPES,
  ENTRY_TYPE_FIELDS,
  ENTRY_TYPES,
  JOURNAL_ENTRY_FIELDS,
} from './types.js';
export { ACCOUNT_ID_PATTERN, isStorableText } from './validation.js';
export { JournalVerifier, MAX_REPORTED_PROBLEMS, verifyJournal } from './verify-journal.js';
export { type VerifiableLedger, verifyWallets, type WalletCheck } from './verify-wallets.js';
export {
  createWalletService,
  type WalletService,
  type WalletServiceOptions,
} from './wallet-service.js';

/**
 * The hot wallet tests of `ledgerStoreSuite` (`ledger-store-suite/hot-wallets.ts`), by name: a
 * store that cannot hold a hot wallet's consolidation turns them all off with one reason.
 *
 * @example
 * skip: Object.fromEntries(HOT_WALLET_TESTS.map((name) => [name, 'why']))
 */
export const HOT_WALLET_TESTS = [
  'spread credits over sub-accounts and sum them in getFunds and listWallets',
  'replay a keyed credit where it first landed, counted once',
  'debit the exact sum of the sub-accounts, consolidated first, and refuse a cent more',
  "list every journal's entries in the hot wallet's history, each once, in time order",
  'take credits from many writers at once: postings on random wallets keep the total exact and every chain whole',
  'pay out while credits stream in: every payout commits, on the main wallet or the few sub-accounts that cover it, and the sum stays exact',
  'reverse a credit that landed on a sub-account from the hot wallet, and never a consolidation',
  'credit a currency with a maxBalance on the exact sum, never past the limit',
  'gain sub-accounts on the first credit of a wallet declared hot after it was created',
] as const;

/**
 * The names of the `ledgerStoreSuite` tests (its own, `operationsSuite`'s and `digestSuite`'s),
 * to turn one off with a reason.
 *
 * @example
 * const name: LedgerStoreTest = 'creates a wallet once when 10 calls race to create it';
 */
export type LedgerStoreTest = (typeof LEDGER_STORE_TESTS)[number];

/**
 * The `ledgerStoreSuite` tests, by name, in the order they run, grouped as their `describe`
 * blocks are. The tamper-evidence tests (the five `reports …` of verifyWallet and the digests'
 * rewritten history) run only with `tamper: true`.
 *
 * @example
 * for (const name of LEDGER_STORE_TESTS) console.log(name);
 */
export const LEDGER_STORE_TESTS = [
  // ledger-store-suite/create-wallet.ts and the groups after it
  'creates a wallet at version 0 with a zero balance in every configured currency',
  'rejects a second wallet for the same account with WALLET_ALREADY_EXISTS',
  'rejects malformed account ids with INVALID_ACCOUNT_ID',
  'accepts the longest valid account id of 128 characters',
  'rejects metadata that is not a JSON object with VALIDATION_ERROR',
  // getFunds
  'fails with WALLET_NOT_FOUND for an account without a wallet',
  'renders every balance with exactly its currency scale',
  // addFunds and withdrawFunds
  'credit the default currency (the first configured) when none is named',
  'stamp txTime from the injected clock on the result and the entry',
  'add and subtract exactly, with no floating-point drift',
  'hold balances up to 18 integer digits exactly',
  'take a number past 2^53 as the integer String(n) names, and hold it exactly',
  'reject every malformed amount with INVALID_AMOUNT and write nothing',
  'reject an unconfigured currency with UNKNOWN_CURRENCY',
  'fail with WALLET_NOT_FOUND for an unknown wallet and create nothing',
  'refuse a withdrawal below the minimum with INSUFFICIENT_FUNDS, its context, and no write',
  'allow an overdraft down to a negative minBalance exactly, and no further',
  'refuse a credit above maxBalance with BALANCE_LIMIT_EXCEEDED and no write',
  'keep operation metadata on the journal entry',
  'reject a malformed request object with VALIDATION_ERROR or a typed error, never a TypeError',
  // transfer
  'moves funds atomically: two entries sharing one transactionId, each naming the other wallet',
  'rejects a transfer to the same wallet with VALIDATION_ERROR',
  'fails with WALLET_NOT_FOUND when either side is missing, and writes to neither',
  'writes nothing on either side when the sender lacks funds or the receiver would pass its limit',
  'validates both account ids and the amount',
  // exchange
  'debits one currency and credits another in one transaction',
  'rejects an exchange within one currency with VALIDATION_ERROR',
  'validates each amount against its own currency scale',
  'writes neither leg when the debit is refused or the credit passes its limit',
  // idempotency
  'returns the original result with replayed: true and writes nothing on a retry',
  'accepts a number amount and its string form as the same request',
  'replays transfers and exchanges with their original balances',
  'rejects the same key with any other request with IDEMPOTENCY_KEY_REUSED',
  'treats metadata with reordered keys as the same request',
  'consumes no key when the call is rejected',
  'applies 20 concurrent calls with one key once, and all return the same transactionId',
  'applies concurrent transfers with one key once per sending wallet, whichever wallet each call locks first',
  // idempotency scope
  'scopes a key to the wallet it debits or credits: the same key on two wallets is two operations',
  "scopes a transfer's key to the sender: a credit of the receiver with the same key is its own operation",
  "keeps a namespace's keys apart from the servers' keys: no block, no replay, no probe",
  'refuses a malformed namespace with VALIDATION_ERROR and writes nothing',
  'applies concurrent calls with one key once per wallet and namespace',
  // strings
  'refuses idempotency keys outside 1..255 printable ASCII with VALIDATION_ERROR and writes nothing',
  'refuses metadata holding a lone surrogate or U+0000, in a name or a value, with VALIDATION_ERROR and writes nothing',
  'stores astral characters, combining marks, U+2028, quotes, backslashes and $$ exactly as hashed',
  // exchange at configured rates
  "credits from.amount times the rate, rounded down to the target's scale",
  'refuses a result that rounds to 0 with INVALID_AMOUNT and a pair without a rate with VALIDATION_ERROR, writing nothing',
  'replays a keyed exchange at the rate, and treats it as another request than one with a to.amount',
  // getTransactionHistory
  'lists entries newest first by default, and oldest first with order asc',
  'pages through every entry once with nextCursor, in both orders and with a currency filter',
  'rejects a cursor reused with other filters, a malformed cursor and a bad limit or order with VALIDATION_ERROR',
  'fails with WALLET_NOT_FOUND for an unknown wallet and UNKNOWN_CURRENCY for an unknown filter',
  'returns entries that follow the journal contract: gapless sequences, a hash chain, scaled amounts',
  // verifyWallet
  'verifies a new wallet with no entries',
  'verifies a busy wallet and reports the last entry hash as its head',
  'fails with WALLET_NOT_FOUND for an unknown wallet',
  'reports a changed amount',
  'reports a changed amount with its hash recomputed',
  'reports a deleted entry',
  'reports the last entry deleted',
  'reports reordered entries',
  // hot wallets
  ...HOT_WALLET_TESTS,
  // operations-suite.ts: getTransaction
  'returns every entry of a transaction, debits first, and what reversed it',
  'fails with TRANSACTION_NOT_FOUND for an unknown id and VALIDATION_ERROR for a malformed one',
  // reverseTransaction
  'reverses a credit in full with a REVERSAL_DEBIT that names the original and the reason',
  'reverses a transfer in part, more than once, and never beyond its amount',
  'reverses an exchange whole, once; never in part',
  'never reverses a reversal, and fails with TRANSACTION_NOT_FOUND for an unknown transaction',
  'refuses a clawback below minBalance with INSUFFICIENT_FUNDS and writes nothing',
  'with reversalOverdraft, leaves a debt the player must repay before spending again',
  'replays a keyed reversal, and refuses the key for another reversal',
  'never lets concurrent partial reversals add up to more than the original',
  // holds
  'reserve funds: the balance stays, held grows, and a HOLD entry names the hold',
  'make every debit check what is available: withdrawals, transfers, exchanges, postings, other holds',
  'are captured once, in full, and then neither captured nor released again',
  'are captured in part to another wallet, which gets a TRANSFER_IN from the holder, and the rest released',
  'are released in full, freeing their funds',
  'refuse an unknown hold with HOLD_NOT_FOUND, and a capture beyond the hold with VALIDATION_ERROR, writing nothing',
  'refuse expiresInSeconds outside 1..604800, and more than 100 active holds on one wallet',
  'expire: their funds are free at once, and their release is journaled at the next write or by releaseExpiredHolds',
  'placed before holds carried placedAt (a record from their placement) are captured, released, expired and read as before',
  'replay a keyed placement with the same hold, and a keyed capture with the same result',
  'racing debits never over-reserve: what is held and withdrawn never passes the balance',
  'a hold captured and released at once settles once',
  // post
  'moves funds between three wallets in one transaction: a marketplace trade with a fee',
  'refuses an unbalanced posting, fewer than 2 or more than 16 legs, and bad legs with typed errors, writing nothing',
  'applies all legs or none: an overdrawn leg or a missing wallet writes to no wallet',
  'lets a wallet appear in several legs and balances each currency on its own',
  'replays a keyed posting and refuses its key for other legs',
  '16-leg postings racing transfers keep money conserved and every chain whole',
  // verifyWallets
  'verifies every wallet with a prefix, in account order, each as verifyWallet does',
  'checks each wallet as listed, so a write between the listing and the read is no failure',
  // listWallets
  'lists wallets by account id ascending, with a prefix, in pages that each wallet appears in once',
  'refuses a cursor made for another prefix, a bad prefix and a bad limit with VALIDATION_ERROR',
  // digest-suite.ts: digests
  'holds every wallet head as committed, and each proof leads to the root',
  'lists digests newest first, pages them, and reads one by id',
  'reports a wallet created after a digest as not in it',
  'never verifies a proof for one wallet as another',
  'stays valid when made while 16 workers write',
  'catches a changed copy of the digest in the ledger',
  'refuses a malformed digest with VALIDATION_ERROR',
  'catches history rewritten with every hash recomputed, which the chain alone cannot',
  // ledger-store-suite/concurrency.ts
  'double-spend burst: 64 concurrent withdrawals of 100 from 1000 succeed exactly 10 times',
  'loses no update: 100 concurrent credits of 1 leave 100 and sequences 1..100',
  'creates a wallet once when 10 calls race to create it',
  'bank test: random concurrent transfers among 8 wallets keep the total, the minimums and every chain',
] as const;

import {
  ENTRY_TYPES,
  MAX_HOLD_SECONDS,
  MAX_POSTING_LEGS,
  MAX_REASON_LENGTH,
  type Metadata,
  MIN_POSTING_LEGS,
} from '@wallet/core';
import * as z from 'zod/mini';
import { API_ERROR_CODES } from './errors.js';
import { documented } from './schema-doc.js';

// The request schemas check JSON types and shapes only. The domain rules (account id pattern,
// amount format and scale, currency codes, limits) are core's, so the API answers exactly what
// the service would; the patterns below are documentation of those rules for the OpenAPI document.

/** Core's account id rule, for the document. */
const ACCOUNT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$';
/** Core's amount grammar (> 0 and at most the currency's scale are checked there too). */
const AMOUNT_PATTERN = '^(0|[1-9][0-9]{0,17})(\\.[0-9]+)?$';
const CURRENCY_PATTERN = '^[A-Z][A-Z0-9_]{1,15}$';
const DECIMAL_PATTERN = '^-?[0-9]+(\\.[0-9]+)?$';

const accountId = documented(z.string(), {
  pattern: ACCOUNT_ID_PATTERN,
  description: '1 to 128 characters of A-Z a-z 0-9 . _ : @ - starting with a letter or digit.',
  example: 'player-1',
});

const amount = documented(
  z.union([
    documented(z.string(), { pattern: AMOUNT_PATTERN, example: '10.50' }),
    documented(z.number(), { exclusiveMinimum: 0, example: 10.5 }),
  ]),
  {
    id: 'AmountInput',
    description:
      "A positive exact decimal with at most the currency's scale of fraction digits and 18 integer digits. Prefer a string; a JSON number is accepted when it is read exactly as written (no digit lost) and prints as a plain decimal.",
  },
);

const currency = documented(z.string(), { pattern: CURRENCY_PATTERN, example: 'GOLD' });

const decimal = documented(z.string(), {
  pattern: DECIMAL_PATTERN,
  description: "An exact decimal with exactly the currency's scale of fraction digits.",
  example: '10.50',
});

const timestamp = documented(z.string(), {
  format: 'date-time',
  example: '2030-01-01T00:00:00.000Z',
});

// JSON.parse only yields JSON values, so a parsed object is Metadata; a recursive JSON schema
// would only lengthen the document, hence a looser runtime schema under the precise type.
const metadata = documented(
  z.record(z.string(), z.unknown(), { error: 'metadata must be a JSON object' }),
  {
    description:
      'Free-form JSON object, at most 4096 bytes as canonical JSON and 32 levels of objects and arrays deep; every name and string well-formed Unicode without U+0000.',
    example: { orderId: 'A-1001' },
  },
) as unknown as z.ZodMiniType<Metadata>;

const IDEMPOTENCY_KEY_DOC =
  '1 to 255 printable ASCII characters (0x21 to 0x7E). Scoped to the wallet the call debits (for a credit, the wallet credited); an account-limited token has a namespace of its own.';

const idempotencyKey = documented(
  z.string({ error: 'idempotencyKey must be 1 to 255 printable ASCII characters (0x21 to 0x7E)' }),
  {
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x21-\\x7E]{1,255}$',
    description: `${IDEMPOTENCY_KEY_DOC} Also accepted as the \`Idempotency-Key\` header; sent both ways, the two must be equal.`,
  },
);

/** A query's page size: text of digits (core checks the range), a number in the document. */
const limit = documented(
  z.optional(
    z.string().check(z.regex(/^[0-9]{1,9}$/, { error: 'limit must be an integer from 1 to 1000' })),
  ),
  { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
);

/**
 * The path parameters of every `/v1/wallets/{accountId}...` route.
 *
 * @example
 * AccountParams.parse({ accountId: 'player-1' });
 */
export const AccountParams = z.object({ accountId });

/**
 * `POST /v1/wallets` body.
 *
 * @example
 * CreateWalletBody.parse({ accountId: 'player-1', metadata: { region: 'eu' } });
 */
export const CreateWalletBody = documented(
  z.strictObject({ accountId, metadata: z.nullish(metadata) }),
  { id: 'CreateWalletRequest' },
);

/**
 * `add-funds` and `withdraw-funds` body.
 *
 * @example
 * FundsBody.parse({ amount: '10.50', currency: 'GOLD' });
 */
export const FundsBody = documented(
  z.strictObject({
    amount,
    currency: z.nullish(currency),
    metadata: z.nullish(metadata),
    idempotencyKey: z.nullish(idempotencyKey),
  }),
  { id: 'FundsRequest' },
);

/**
 * `POST /v1/transfers` body.
 *
 * @example
 * TransferBody.parse({ fromAccountId: 'p1', toAccountId: 'p2', amount: '5' });
 */
export const TransferBody = documented(
  z.strictObject({
    fromAccountId: accountId,
    toAccountId: accountId,
    amount,
    currency: z.nullish(currency),
    metadata: z.nullish(metadata),
    idempotencyKey: z.nullish(idempotencyKey),
  }),
  { id: 'TransferRequest' },
);

const exchangeLeg = documented(z.strictObject({ currency, amount }), { id: 'ExchangeLegInput' });

const exchangeTarget = documented(
  z.strictObject({
    currency,
    amount: documented(z.nullish(amount), {
      description:
        "Absent: `from.amount` times the configured rate, rounded down to this currency's scale. Given: credited as it is, which needs the `admin` scope.",
    }),
  }),
  { id: 'ExchangeTargetInput' },
);

/**
 * `POST /v1/wallets/{accountId}/exchange` body: `to.amount` absent exchanges at the configured
 * rate; given, it is credited as it is (admin only).
 *
 * @example
 * ExchangeBody.parse({ from: { currency: 'GEMS', amount: '8' }, to: { currency: 'GOLD' } });
 */
export const ExchangeBody = documented(
  z.strictObject({
    from: exchangeLeg,
    to: exchangeTarget,
    metadata: z.nullish(metadata),
    idempotencyKey: z.nullish(idempotencyKey),
  }),
  { id: 'ExchangeRequest' },
);

const IDENTIFIER_DOC = '1 to 64 printable ASCII characters (the SDK makes UUIDs).';

/**
 * The path parameter of `/v1/transactions/{transactionId}...`.
 *
 * @example
 * TransactionParams.parse({ transactionId: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79' });
 */
export const TransactionParams = z.object({
  transactionId: documented(z.string(), {
    description: IDENTIFIER_DOC,
    example: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79',
  }),
});

/**
 * The path parameter of `/v1/holds/{holdId}/...`.
 *
 * @example
 * HoldParams.parse({ holdId: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79~player-1' });
 */
export const HoldParams = z.object({
  holdId: documented(z.string(), {
    description:
      'The `holdId` placeHold answered: a UUID, `~`, and the account id of the wallet holding it.',
    example: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79~player-1',
  }),
});

/**
 * `POST /v1/transactions/{transactionId}/reverse` body: all that is left of the transaction
 * without `amount`; a part of it (single-leg transactions and transfers only) with one.
 *
 * @example
 * ReverseBody.parse({ reason: 'app store refund 4471' });
 */
export const ReverseBody = documented(
  z.strictObject({
    amount: documented(z.nullish(amount), {
      description:
        'A part of the original amount (a single-leg transaction or a transfer only); absent, all that is left of it.',
    }),
    reason: documented(
      z.nullish(
        z.string({ error: `reason must be a string of 1 to ${MAX_REASON_LENGTH} characters` }),
      ),
      {
        minLength: 1,
        maxLength: MAX_REASON_LENGTH,
        description: 'Why, for the journal (kept in the reversal entries).',
        example: 'app store refund 4471',
      },
    ),
    metadata: z.nullish(metadata),
    idempotencyKey: z.nullish(idempotencyKey),
  }),
  { id: 'ReverseRequest' },
);

/**
 * `POST /v1/wallets/{accountId}/holds` body.
 *
 * @example
 * HoldBody.parse({ amount: '50', currency: 'GEMS', expiresInSeconds: 600 });
 */
export const HoldBody = documented(
  z.strictObject({
    amount,
    currency: z.nullish(currency),
    // Documented on the number, not on the nullish around it: `type` there would refuse null.
    expiresInSeconds: z.nullish(
      documented(
        z.number({
          error: `expiresInSeconds must be an integer from 1 to ${MAX_HOLD_SECONDS} (7 days)`,
        }),
        { type: 'integer', minimum: 1, maximum: MAX_HOLD_SECONDS, default: 900 },
      ),
    ),
    metadata: z.nullish(metadata),
    idempotencyKey: z.nullish(idempotencyKey),
  }),
  { id: 'HoldRequest' },
);

/**
 * `POST /v1/holds/{holdId}/capture` body.
 *
 * @example
 * CaptureBody.parse({ amount: '30', toAccountId: 'tournament-pool' });
 */
export const CaptureBody = documented(
  z.strictObject({
    amount: documented(z.nullish(amount), {
      description: 'A part of the hold; absent, all of it. The rest is released.',
    }),
    toAccountId: documented(z.nullish(accountId), {
      description:
        'The wallet credited with what is captured (not the holder); absent, the funds leave the economy. A caller limited to one account may not send it.',
    }),
    metadata: z.nullish(metadata),
    idempotencyKey: z.nullish(idempotencyKey),
  }),
  { id: 'CaptureRequest' },
);

/**
 * `POST /v1/holds/{holdId}/release` body, which may be left out.
 *
 * @example
 * ReleaseBody.parse({ idempotencyKey: 'release-1' });
 */
export const ReleaseBody = documented(
  z.strictObject({ idempotencyKey: z.nullish(idempotencyKey) }),
  { id: 'ReleaseRequest' },
);

const postingLeg = documented(
  z.strictObject({
    accountId,
    currency: z.nullish(currency),
    direction: z.enum(['debit', 'credit']),
    amount,
  }),
  { id: 'PostingLegInput' },
);

/**
 * `POST /v1/postings` body: 2 to 16 legs, debits equal to credits per currency.
 *
 * @example
 * PostingBody.parse({ legs: [
 *   { accountId: 'buyer', direction: 'debit', amount: '100' },
 *   { accountId: 'seller', direction: 'credit', amount: '95' },
 *   { accountId: 'house', direction: 'credit', amount: '5' },
 * ] });
 */
export const PostingBody = documented(
  z.strictObject({
    legs: documented(
      z.array(postingLeg).check(z.minLength(MIN_POSTING_LEGS), z.maxLength(MAX_POSTING_LEGS)),
      {
        description: `${MIN_POSTING_LEGS} to ${MAX_POSTING_LEGS} legs, applied in order, all or nothing; per currency the debits equal the credits. A wallet may appear in several legs. The idempotency key is scoped to the first leg's wallet.`,
      },
    ),
    metadata: z.nullish(metadata),
    idempotencyKey: z.nullish(idempotencyKey),
  }),
  { id: 'PostingRequest' },
);

/**
 * `GET /v1/wallets/{accountId}/transactions` query. `limit` arrives as text; the route turns
 * it into a number and core checks its range.
 *
 * @example
 * HistoryQuery.parse({ limit: '20', order: 'asc' });
 */
export const HistoryQuery = z.strictObject({
  currency: z.optional(currency),
  limit,
  cursor: documented(z.optional(z.string()), {
    description: 'The `nextCursor` of the previous page, with the same filters.',
  }),
  order: documented(
    z.optional(z.enum(['asc', 'desc'], { error: 'order must be "asc" or "desc"' })),
    { default: 'desc' },
  ),
});

/**
 * `GET /v1/wallets` query. `limit` arrives as text; the route turns it into a number and core
 * checks its range.
 *
 * @example
 * ListWalletsQuery.parse({ prefix: 'eu-', limit: '100' });
 */
export const ListWalletsQuery = z.strictObject({
  prefix: documented(
    z.optional(
      z.string({ error: 'prefix must be at most 128 characters of A-Z a-z 0-9 . _ : @ -' }),
    ),
    {
      pattern: '^[A-Za-z0-9._:@-]{0,128}$',
      description: 'Only wallets whose account id starts with this.',
      example: 'eu-',
    },
  ),
  limit,
  cursor: documented(z.optional(z.string()), {
    description: 'The `nextCursor` of the previous page, with the same prefix.',
  }),
});

/**
 * The `Idempotency-Key` header of the mutating routes (the validator matches header names
 * case-insensitively).
 *
 * @example
 * IdempotencyHeaders.parse({ 'Idempotency-Key': 'order-1001' });
 */
export const IdempotencyHeaders = z.object({
  'Idempotency-Key': documented(z.optional(idempotencyKey), {
    description: `${IDEMPOTENCY_KEY_DOC} A retry with the same key and request returns the original result with \`replayed: true\`.`,
    example: 'order-1001',
  }),
});

/**
 * The calling token as `GET /v1/me` describes it (never the token itself).
 *
 * @example
 * Caller.parse({ name: 'support', scopes: ['admin'], accountId: null });
 */
export const Caller = documented(
  z.object({
    name: documented(z.nullable(z.string()), {
      description: 'The label the token was configured with.',
    }),
    scopes: z.array(z.enum(['read', 'credit', 'debit', 'transfer', 'exchange', 'admin'])),
    accountId: documented(z.nullable(z.string()), {
      description: 'The one account this caller may touch, or null for any.',
    }),
  }),
  { id: 'Caller' },
);

/**
 * A wallet, with a balance for every configured currency.
 *
 * @example
 * Wallet.parse(await service.getFunds({ accountId: 'p1' }));
 */
export const Wallet = documented(
  z.object({
    accountId: z.string(),
    balances: documented(z.record(z.string(), decimal), {
      example: { GEMS: '0', GOLD: '10.50' },
    }),
    held: documented(z.record(z.string(), decimal), {
      description:
        'What active holds reserve, per currency: `balances - held` is what a debit may spend.',
      example: { GEMS: '0', GOLD: '2.00' },
    }),
    version: z.int(),
    createdAt: timestamp,
    updatedAt: timestamp,
    metadata: z.nullable(metadata),
  }),
  { id: 'Wallet' },
);

/**
 * The result of `add-funds` and `withdraw-funds`.
 *
 * @example
 * FundsResult.shape.replayed;
 */
export const FundsResult = documented(
  z.object({
    transactionId: z.string(),
    accountId: z.string(),
    currency: z.string(),
    amount: decimal,
    previousBalance: decimal,
    currentBalance: decimal,
    txTime: timestamp,
    replayed: z.boolean(),
  }),
  { id: 'FundsResult' },
);

const transferSide = documented(
  z.object({ accountId: z.string(), previousBalance: decimal, currentBalance: decimal }),
  { id: 'TransferSide' },
);

/**
 * The result of a transfer.
 *
 * @example
 * TransferResult.shape.from;
 */
export const TransferResult = documented(
  z.object({
    transactionId: z.string(),
    currency: z.string(),
    amount: decimal,
    txTime: timestamp,
    replayed: z.boolean(),
    from: transferSide,
    to: transferSide,
  }),
  { id: 'TransferResult' },
);

const exchangeSide = documented(
  z.object({
    currency: z.string(),
    amount: decimal,
    previousBalance: decimal,
    currentBalance: decimal,
  }),
  { id: 'ExchangeSide' },
);

/**
 * The result of an exchange.
 *
 * @example
 * ExchangeResult.shape.to;
 */
export const ExchangeResult = documented(
  z.object({
    transactionId: z.string(),
    accountId: z.string(),
    txTime: timestamp,
    replayed: z.boolean(),
    from: exchangeSide,
    to: exchangeSide,
  }),
  { id: 'ExchangeResult' },
);

const hex64 = documented(z.string(), { pattern: '^[0-9a-f]{64}$' });

const journalEntry = documented(
  z.object({
    transactionId: z.string(),
    accountId: z.string(),
    sequence: z.int().check(z.minimum(1)),
    type: z.enum(ENTRY_TYPES),
    currency: z.string(),
    amount: decimal,
    balanceBefore: decimal,
    balanceAfter: decimal,
    txTime: timestamp,
    idempotencyKey: z.nullable(z.string()),
    counterparty: z.nullable(z.string()),
    metadata: z.nullable(metadata),
    prevHash: hex64,
    hash: documented(hex64, {
      description: 'SHA-256 of the RFC 8785 canonical JSON of the entry without `hash`.',
    }),
    reverses: documented(z.optional(z.string()), {
      description: '`REVERSAL_CREDIT` and `REVERSAL_DEBIT` only: the transaction reversed.',
    }),
    reason: documented(z.optional(z.nullable(z.string())), {
      description: '`REVERSAL_CREDIT` and `REVERSAL_DEBIT` only: why, or null.',
    }),
    holdId: documented(z.optional(z.string()), {
      description: '`HOLD`, `HOLD_CAPTURE` and `HOLD_RELEASE` only: the hold.',
    }),
  }),
  { id: 'JournalEntry' },
);

/**
 * A page of a wallet's journal.
 *
 * @example
 * HistoryPage.shape.nextCursor;
 */
export const HistoryPage = documented(
  z.object({ items: z.array(journalEntry), nextCursor: z.nullable(z.string()) }),
  { id: 'HistoryPage' },
);

/**
 * A page of wallets, by account id ascending.
 *
 * @example
 * WalletPage.shape.nextCursor;
 */
export const WalletPage = documented(
  z.object({ items: z.array(Wallet), nextCursor: z.nullable(z.string()) }),
  { id: 'WalletPage' },
);

/**
 * `GET /v1/transactions/{transactionId}`: every entry of one transaction, and what reversed it.
 *
 * @example
 * TransactionDetails.shape.reversedBy;
 */
export const TransactionDetails = documented(
  z.object({
    transactionId: z.string(),
    txTime: timestamp,
    entries: documented(z.array(journalEntry), {
      description:
        'Every entry the transaction wrote: debits first, then credits, then entries that move no balance (`HOLD`, `HOLD_RELEASE`); by account id and sequence within each.',
    }),
    reversedBy: documented(z.array(z.string()), {
      description: 'The transactions that reversed it (all or part), oldest first.',
    }),
  }),
  { id: 'TransactionDetails' },
);

const reversalLeg = documented(
  z.object({
    accountId: z.string(),
    currency: z.string(),
    amount: decimal,
    previousBalance: decimal,
    currentBalance: decimal,
  }),
  { id: 'ReversalLeg' },
);

/**
 * The result of a reversal.
 *
 * @example
 * ReversalResult.shape.legs;
 */
export const ReversalResult = documented(
  z.object({
    transactionId: z.string(),
    reverses: documented(z.string(), { description: 'The transaction reversed.' }),
    txTime: timestamp,
    replayed: z.boolean(),
    legs: documented(z.array(reversalLeg), {
      description: "One per balance-changing leg of the original, in the original's order.",
    }),
  }),
  { id: 'ReversalResult' },
);

/**
 * The result of placing or releasing a hold.
 *
 * @example
 * HoldResult.shape.status;
 */
export const HoldResult = documented(
  z.object({
    holdId: z.string(),
    accountId: z.string(),
    currency: z.string(),
    amount: decimal,
    status: z.enum(['active', 'captured', 'released', 'expired']),
    expiresAt: timestamp,
    available: documented(decimal, {
      description: "What the wallet may spend in the hold's currency once the call committed.",
    }),
    txTime: timestamp,
    replayed: z.boolean(),
  }),
  { id: 'HoldResult' },
);

const captureSide = documented(
  z.object({ accountId: z.string(), previousBalance: decimal, currentBalance: decimal }),
  { id: 'CaptureSide' },
);

/**
 * The result of capturing a hold.
 *
 * @example
 * CaptureResult.shape.released;
 */
export const CaptureResult = documented(
  z.object({
    transactionId: z.string(),
    holdId: z.string(),
    txTime: timestamp,
    replayed: z.boolean(),
    captured: documented(decimal, { description: 'The amount debited from the holder.' }),
    released: documented(decimal, {
      description: 'The rest of the hold, released (zero when captured in full).',
    }),
    from: captureSide,
    to: documented(z.nullable(captureSide), {
      description: 'The wallet credited when captured to another wallet; else null.',
    }),
  }),
  { id: 'CaptureResult' },
);

const postingLegResult = documented(
  z.object({
    accountId: z.string(),
    currency: z.string(),
    direction: z.enum(['debit', 'credit']),
    amount: decimal,
    previousBalance: decimal,
    currentBalance: decimal,
  }),
  { id: 'PostingLeg' },
);

/**
 * The result of a posting.
 *
 * @example
 * PostingResult.shape.legs;
 */
export const PostingResult = documented(
  z.object({
    transactionId: z.string(),
    txTime: timestamp,
    replayed: z.boolean(),
    legs: documented(z.array(postingLegResult), {
      description: "In the order of the request's legs.",
    }),
  }),
  { id: 'PostingResult' },
);

/**
 * The outcome of verifying a wallet's hash chain and balances.
 *
 * @example
 * VerificationReport.shape.problems;
 */
export const VerificationReport = documented(
  z.object({
    ok: z.boolean(),
    entries: z.int(),
    headHash: hex64,
    problems: z.array(z.string()),
    digest: documented(
      z.optional(z.object({ digestId: z.string(), sequence: z.nullable(z.int()) })),
      {
        description:
          'With a digest given: its id and the sequence its leaf holds for the wallet, null when it holds none (the wallet was created after it).',
      },
    ),
  }),
  { id: 'VerificationReport' },
);

const hash64 = hex64.check(z.regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits' }));

/**
 * A digest (DESIGN section 10): every wallet's head folded into one Merkle root.
 *
 * @example
 * Digest.shape.root;
 */
export const Digest = documented(
  z.object({
    digestId: z.string().check(z.maxLength(64)),
    createdAt: timestamp,
    wallets: z.int().check(z.minimum(0)),
    root: hash64,
    algorithm: z.literal('sha256-merkle-v1'),
  }),
  { id: 'Digest' },
);

/**
 * The proof that ties one wallet's head to a digest's root.
 *
 * @example
 * DigestProof.shape.path;
 */
export const DigestProof = documented(
  z.object({
    digestId: z.string().check(z.maxLength(64)),
    root: hash64,
    leaf: z.object({
      accountId,
      sequence: z.int().check(z.minimum(0)),
      hash: hash64,
    }),
    path: documented(
      z.array(z.object({ side: z.enum(['left', 'right']), hash: hash64 })).check(z.maxLength(64)),
      { description: 'The siblings from the leaf up, lowest first.' },
    ),
  }),
  { id: 'DigestProof' },
);

/**
 * `GET /v1/digests` body.
 *
 * @example
 * DigestPage.shape.items;
 */
export const DigestPage = documented(
  z.object({ items: z.array(Digest), nextCursor: z.nullable(z.string()) }),
  { id: 'DigestPage' },
);

/**
 * `GET /v1/digests` query.
 *
 * @example
 * ListDigestsQuery.parse({ limit: '10' });
 */
export const ListDigestsQuery = z.strictObject({
  limit,
  cursor: documented(z.optional(z.string()), {
    description: 'The `nextCursor` of the previous page.',
  }),
});

/**
 * The path parameter of `/v1/digests/{digestId}`.
 *
 * @example
 * DigestParams.parse({ digestId: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79' });
 */
export const DigestParams = z.object({
  digestId: documented(z.string(), { example: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79' }),
});

/**
 * `GET /v1/wallets/{accountId}/proof` query.
 *
 * @example
 * ProofQuery.parse({ digestId: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79' });
 */
export const ProofQuery = z.strictObject({
  digestId: documented(z.optional(z.string()), {
    description: 'The digest; the newest when absent.',
  }),
});

/**
 * `POST /v1/wallets/{accountId}/verify` body: the digest or proof to check the wallet against,
 * as published outside the ledger.
 *
 * @example
 * VerifyBody.parse({ digest });
 */
export const VerifyBody = documented(z.strictObject({ digest: z.union([DigestProof, Digest]) }), {
  id: 'VerifyRequest',
});

/**
 * `GET /healthz` body.
 *
 * @example
 * Health.parse({ status: 'ok' });
 */
export const Health = documented(z.object({ status: z.literal('ok') }), { id: 'Health' });

/**
 * The body of every error response.
 *
 * @example
 * ErrorResponse.parse({ error: { code: 'FORBIDDEN', message: 'this caller lacks the credit scope' } });
 */
export const ErrorResponse = documented(
  z.object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      details: z.optional(
        z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      ),
    }),
  }),
  { id: 'Error' },
);

import { z } from '@hono/zod-openapi';
import {
  ENTRY_TYPES,
  MAX_HOLD_SECONDS,
  MAX_POSTING_LEGS,
  MAX_REASON_LENGTH,
  type Metadata,
  MIN_POSTING_LEGS,
} from '@wallet/core';
import { API_ERROR_CODES } from './errors.js';

// The request schemas check JSON types and shapes only. The domain rules (account id pattern,
// amount format and scale, currency codes, limits) are core's, so the API answers exactly what
// the service would; the patterns below are documentation of those rules for the OpenAPI document.

/** Core's account id rule, for the document. */
const ACCOUNT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$';
/** Core's amount grammar (> 0 and at most the currency's scale are checked there too). */
const AMOUNT_PATTERN = '^(0|[1-9][0-9]{0,17})(\\.[0-9]+)?$';
const CURRENCY_PATTERN = '^[A-Z][A-Z0-9_]{1,15}$';
const DECIMAL_PATTERN = '^-?[0-9]+(\\.[0-9]+)?$';

const accountId = z.string().openapi({
  pattern: ACCOUNT_ID_PATTERN,
  description: '1 to 128 characters of A-Z a-z 0-9 . _ : @ - starting with a letter or digit.',
  example: 'player-1',
});

const amount = z
  .union([
    z.string().openapi({ pattern: AMOUNT_PATTERN, example: '10.50' }),
    z.number().openapi({ exclusiveMinimum: 0, example: 10.5 }),
  ])
  .openapi('AmountInput', {
    description:
      "A positive exact decimal with at most the currency's scale of fraction digits and 18 integer digits. Prefer a string; a JSON number is accepted when it is exactly representable (at most 2^53) and prints as a plain decimal.",
  });

const currency = z.string().openapi({ pattern: CURRENCY_PATTERN, example: 'GOLD' });

const decimal = z.string().openapi({
  pattern: DECIMAL_PATTERN,
  description: "An exact decimal with exactly the currency's scale of fraction digits.",
  example: '10.50',
});

const timestamp = z.string().openapi({ format: 'date-time', example: '2030-01-01T00:00:00.000Z' });

// JSON.parse only yields JSON values, so a parsed object is Metadata; the OpenAPI generator
// cannot describe a recursive JSON schema, hence a looser runtime schema under the precise type.
const metadata = z
  .record(z.string(), z.unknown(), { error: 'metadata must be a JSON object' })
  .openapi({
    description:
      'Free-form JSON object, at most 4096 bytes as canonical JSON; every name and string well-formed Unicode without U+0000.',
    example: { orderId: 'A-1001' },
  }) as unknown as z.ZodType<Metadata>;

const IDEMPOTENCY_KEY_DOC =
  '1 to 255 printable ASCII characters (0x21 to 0x7E). Scoped to the wallet the call debits (for a credit, the wallet credited); an account-limited token has a namespace of its own.';

const idempotencyKey = z
  .string({ error: 'idempotencyKey must be 1 to 255 printable ASCII characters (0x21 to 0x7E)' })
  .openapi({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x21-\\x7E]{1,255}$',
    description: `${IDEMPOTENCY_KEY_DOC} Also accepted as the \`Idempotency-Key\` header; sent both ways, the two must be equal.`,
  });

/**
 * The path parameters of every `/v1/wallets/{accountId}...` route.
 *
 * @example
 * AccountParams.parse({ accountId: 'player-1' });
 */
export const AccountParams = z.object({
  accountId: accountId.openapi({ param: { name: 'accountId', in: 'path' } }),
});

/**
 * `POST /v1/wallets` body.
 *
 * @example
 * CreateWalletBody.parse({ accountId: 'player-1', metadata: { region: 'eu' } });
 */
export const CreateWalletBody = z
  .strictObject({ accountId, metadata: metadata.nullish() })
  .openapi('CreateWalletRequest');

/**
 * `add-funds` and `withdraw-funds` body.
 *
 * @example
 * FundsBody.parse({ amount: '10.50', currency: 'GOLD' });
 */
export const FundsBody = z
  .strictObject({
    amount,
    currency: currency.nullish(),
    metadata: metadata.nullish(),
    idempotencyKey: idempotencyKey.nullish(),
  })
  .openapi('FundsRequest');

/**
 * `POST /v1/transfers` body.
 *
 * @example
 * TransferBody.parse({ fromAccountId: 'p1', toAccountId: 'p2', amount: '5' });
 */
export const TransferBody = z
  .strictObject({
    fromAccountId: accountId,
    toAccountId: accountId,
    amount,
    currency: currency.nullish(),
    metadata: metadata.nullish(),
    idempotencyKey: idempotencyKey.nullish(),
  })
  .openapi('TransferRequest');

const exchangeLeg = z.strictObject({ currency, amount }).openapi('ExchangeLegInput');

const exchangeTarget = z
  .strictObject({
    currency,
    amount: amount.nullish().openapi({
      description:
        "Absent: `from.amount` times the configured rate, rounded down to this currency's scale. Given: credited as it is, which needs the `admin` scope.",
    }),
  })
  .openapi('ExchangeTargetInput');

/**
 * `POST /v1/wallets/{accountId}/exchange` body: `to.amount` absent exchanges at the configured
 * rate; given, it is credited as it is (admin only).
 *
 * @example
 * ExchangeBody.parse({ from: { currency: 'GEMS', amount: '8' }, to: { currency: 'GOLD' } });
 */
export const ExchangeBody = z
  .strictObject({
    from: exchangeLeg,
    to: exchangeTarget,
    metadata: metadata.nullish(),
    idempotencyKey: idempotencyKey.nullish(),
  })
  .openapi('ExchangeRequest');

const IDENTIFIER_DOC = '1 to 64 printable ASCII characters (the SDK makes UUIDs).';

/**
 * The path parameter of `/v1/transactions/{transactionId}...`.
 *
 * @example
 * TransactionParams.parse({ transactionId: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79' });
 */
export const TransactionParams = z.object({
  transactionId: z.string().openapi({
    param: { name: 'transactionId', in: 'path' },
    description:
      'The `holdId` placeHold answered: a UUID, `~`, and the account id of the wallet holding it.',
    example: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79~player-1',
  }),
});

/**
 * The path parameter of `/v1/holds/{holdId}/...`.
 *
 * @example
 * HoldParams.parse({ holdId: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79' });
 */
export const HoldParams = z.object({
  holdId: z.string().openapi({
    param: { name: 'holdId', in: 'path' },
    description: IDENTIFIER_DOC,
    example: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79',
  }),
});

/**
 * `POST /v1/transactions/{transactionId}/reverse` body: all that is left of the transaction
 * without `amount`; a part of it (single-leg transactions and transfers only) with one.
 *
 * @example
 * ReverseBody.parse({ reason: 'app store refund 4471' });
 */
export const ReverseBody = z
  .strictObject({
    amount: amount.nullish().openapi({
      description:
        'A part of the original amount (a single-leg transaction or a transfer only); absent, all that is left of it.',
    }),
    reason: z
      .string({ error: `reason must be a string of 1 to ${MAX_REASON_LENGTH} characters` })
      .nullish()
      .openapi({
        minLength: 1,
        maxLength: MAX_REASON_LENGTH,
        description: 'Why, for the journal (kept in the reversal entries).',
        example: 'app store refund 4471',
      }),
    metadata: metadata.nullish(),
    idempotencyKey: idempotencyKey.nullish(),
  })
  .openapi('ReverseRequest');

/**
 * `POST /v1/wallets/{accountId}/holds` body.
 *
 * @example
 * HoldBody.parse({ amount: '50', currency: 'GEMS', expiresInSeconds: 600 });
 */
export const HoldBody = z
  .strictObject({
    amount,
    currency: currency.nullish(),
    expiresInSeconds: z
      .number({
        error: `expiresInSeconds must be an integer from 1 to ${MAX_HOLD_SECONDS} (7 days)`,
      })
      .nullish()
      .openapi({ type: 'integer', minimum: 1, maximum: MAX_HOLD_SECONDS, default: 900 }),
    metadata: metadata.nullish(),
    idempotencyKey: idempotencyKey.nullish(),
  })
  .openapi('HoldRequest');

/**
 * `POST /v1/holds/{holdId}/capture` body.
 *
 * @example
 * CaptureBody.parse({ amount: '30', toAccountId: 'tournament-pool' });
 */
export const CaptureBody = z
  .strictObject({
    amount: amount.nullish().openapi({
      description: 'A part of the hold; absent, all of it. The rest is released.',
    }),
    toAccountId: accountId.nullish().openapi({
      description:
        'The wallet credited with what is captured (not the holder); absent, the funds leave the economy. A caller limited to one account may not send it.',
    }),
    metadata: metadata.nullish(),
    idempotencyKey: idempotencyKey.nullish(),
  })
  .openapi('CaptureRequest');

/**
 * `POST /v1/holds/{holdId}/release` body, which may be left out.
 *
 * @example
 * ReleaseBody.parse({ idempotencyKey: 'release-1' });
 */
export const ReleaseBody = z
  .strictObject({ idempotencyKey: idempotencyKey.nullish() })
  .openapi('ReleaseRequest');

const postingLeg = z
  .strictObject({
    accountId,
    currency: currency.nullish(),
    direction: z.enum(['debit', 'credit']),
    amount,
  })
  .openapi('PostingLegInput');

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
export const PostingBody = z
  .strictObject({
    legs: z
      .array(postingLeg)
      .min(MIN_POSTING_LEGS)
      .max(MAX_POSTING_LEGS)
      .openapi({
        description: `${MIN_POSTING_LEGS} to ${MAX_POSTING_LEGS} legs, applied in order, all or nothing; per currency the debits equal the credits. A wallet may appear in several legs. The idempotency key is scoped to the first leg's wallet.`,
      }),
    metadata: metadata.nullish(),
    idempotencyKey: idempotencyKey.nullish(),
  })
  .openapi('PostingRequest');

/**
 * `GET /v1/wallets/{accountId}/transactions` query. `limit` arrives as text; the route turns
 * it into a number and core checks its range.
 *
 * @example
 * HistoryQuery.parse({ limit: '20', order: 'asc' });
 */
export const HistoryQuery = z.strictObject({
  currency: currency.optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,9}$/, { error: 'limit must be an integer from 1 to 1000' })
    .optional()
    .openapi({ type: 'integer', minimum: 1, maximum: 1000, default: 50 }),
  cursor: z
    .string()
    .optional()
    .openapi({ description: 'The `nextCursor` of the previous page, with the same filters.' }),
  order: z
    .enum(['asc', 'desc'], { error: 'order must be "asc" or "desc"' })
    .optional()
    .openapi({ default: 'desc' }),
});

/**
 * `GET /v1/wallets` query. `limit` arrives as text; the route turns it into a number and core
 * checks its range.
 *
 * @example
 * ListWalletsQuery.parse({ prefix: 'eu-', limit: '100' });
 */
export const ListWalletsQuery = z.strictObject({
  prefix: z
    .string({ error: 'prefix must be at most 128 characters of A-Z a-z 0-9 . _ : @ -' })
    .optional()
    .openapi({
      pattern: '^[A-Za-z0-9._:@-]{0,128}$',
      description: 'Only wallets whose account id starts with this.',
      example: 'eu-',
    }),
  limit: z
    .string()
    .regex(/^[0-9]{1,9}$/, { error: 'limit must be an integer from 1 to 1000' })
    .optional()
    .openapi({ type: 'integer', minimum: 1, maximum: 1000, default: 50 }),
  cursor: z
    .string()
    .optional()
    .openapi({ description: 'The `nextCursor` of the previous page, with the same prefix.' }),
});

/**
 * The `Idempotency-Key` header of the mutating routes (the validator matches header names
 * case-insensitively).
 *
 * @example
 * IdempotencyHeaders.parse({ 'Idempotency-Key': 'order-1001' });
 */
export const IdempotencyHeaders = z.object({
  'Idempotency-Key': idempotencyKey.optional().openapi({
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
export const Caller = z
  .object({
    name: z
      .string()
      .nullable()
      .openapi({ description: 'The label the token was configured with.' }),
    scopes: z.array(z.enum(['read', 'credit', 'debit', 'transfer', 'exchange', 'admin'])),
    accountId: z
      .string()
      .nullable()
      .openapi({ description: 'The one account this caller may touch, or null for any.' }),
  })
  .openapi('Caller');

/**
 * A wallet, with a balance for every configured currency.
 *
 * @example
 * Wallet.parse(await service.getFunds({ accountId: 'p1' }));
 */
export const Wallet = z
  .object({
    accountId: z.string(),
    balances: z.record(z.string(), decimal).openapi({ example: { GEMS: '0', GOLD: '10.50' } }),
    held: z.record(z.string(), decimal).openapi({
      description:
        'What active holds reserve, per currency: `balances - held` is what a debit may spend.',
      example: { GEMS: '0', GOLD: '2.00' },
    }),
    version: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
    metadata: metadata.nullable(),
  })
  .openapi('Wallet');

/**
 * The result of `add-funds` and `withdraw-funds`.
 *
 * @example
 * FundsResult.shape.replayed;
 */
export const FundsResult = z
  .object({
    transactionId: z.string(),
    accountId: z.string(),
    currency: z.string(),
    amount: decimal,
    previousBalance: decimal,
    currentBalance: decimal,
    txTime: timestamp,
    replayed: z.boolean(),
  })
  .openapi('FundsResult');

const transferSide = z
  .object({ accountId: z.string(), previousBalance: decimal, currentBalance: decimal })
  .openapi('TransferSide');

/**
 * The result of a transfer.
 *
 * @example
 * TransferResult.shape.from;
 */
export const TransferResult = z
  .object({
    transactionId: z.string(),
    currency: z.string(),
    amount: decimal,
    txTime: timestamp,
    replayed: z.boolean(),
    from: transferSide,
    to: transferSide,
  })
  .openapi('TransferResult');

const exchangeSide = z
  .object({
    currency: z.string(),
    amount: decimal,
    previousBalance: decimal,
    currentBalance: decimal,
  })
  .openapi('ExchangeSide');

/**
 * The result of an exchange.
 *
 * @example
 * ExchangeResult.shape.to;
 */
export const ExchangeResult = z
  .object({
    transactionId: z.string(),
    accountId: z.string(),
    txTime: timestamp,
    replayed: z.boolean(),
    from: exchangeSide,
    to: exchangeSide,
  })
  .openapi('ExchangeResult');

const journalEntry = z
  .object({
    transactionId: z.string(),
    accountId: z.string(),
    sequence: z.number().int().min(1),
    type: z.enum(ENTRY_TYPES),
    currency: z.string(),
    amount: decimal,
    balanceBefore: decimal,
    balanceAfter: decimal,
    txTime: timestamp,
    idempotencyKey: z.string().nullable(),
    counterparty: z.string().nullable(),
    metadata: metadata.nullable(),
    prevHash: z.string().openapi({ pattern: '^[0-9a-f]{64}$' }),
    hash: z.string().openapi({
      pattern: '^[0-9a-f]{64}$',
      description: 'SHA-256 of the RFC 8785 canonical JSON of the entry without `hash`.',
    }),
    reverses: z.string().optional().openapi({
      description: '`REVERSAL_CREDIT` and `REVERSAL_DEBIT` only: the transaction reversed.',
    }),
    reason: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: '`REVERSAL_CREDIT` and `REVERSAL_DEBIT` only: why, or null.' }),
    holdId: z
      .string()
      .optional()
      .openapi({ description: '`HOLD`, `HOLD_CAPTURE` and `HOLD_RELEASE` only: the hold.' }),
  })
  .openapi('JournalEntry');

/**
 * A page of a wallet's journal.
 *
 * @example
 * HistoryPage.shape.nextCursor;
 */
export const HistoryPage = z
  .object({ items: z.array(journalEntry), nextCursor: z.string().nullable() })
  .openapi('HistoryPage');

/**
 * A page of wallets, by account id ascending.
 *
 * @example
 * WalletPage.shape.nextCursor;
 */
export const WalletPage = z
  .object({ items: z.array(Wallet), nextCursor: z.string().nullable() })
  .openapi('WalletPage');

/**
 * `GET /v1/transactions/{transactionId}`: every entry of one transaction, and what reversed it.
 *
 * @example
 * TransactionDetails.shape.reversedBy;
 */
export const TransactionDetails = z
  .object({
    transactionId: z.string(),
    txTime: timestamp,
    entries: z.array(journalEntry).openapi({
      description:
        'Every entry the transaction wrote: debits first, then credits, then entries that move no balance (`HOLD`, `HOLD_RELEASE`); by account id and sequence within each.',
    }),
    reversedBy: z
      .array(z.string())
      .openapi({ description: 'The transactions that reversed it (all or part), oldest first.' }),
  })
  .openapi('TransactionDetails');

const reversalLeg = z
  .object({
    accountId: z.string(),
    currency: z.string(),
    amount: decimal,
    previousBalance: decimal,
    currentBalance: decimal,
  })
  .openapi('ReversalLeg');

/**
 * The result of a reversal.
 *
 * @example
 * ReversalResult.shape.legs;
 */
export const ReversalResult = z
  .object({
    transactionId: z.string(),
    reverses: z.string().openapi({ description: 'The transaction reversed.' }),
    txTime: timestamp,
    replayed: z.boolean(),
    legs: z.array(reversalLeg).openapi({
      description: "One per balance-changing leg of the original, in the original's order.",
    }),
  })
  .openapi('ReversalResult');

/**
 * The result of placing or releasing a hold.
 *
 * @example
 * HoldResult.shape.status;
 */
export const HoldResult = z
  .object({
    holdId: z.string(),
    accountId: z.string(),
    currency: z.string(),
    amount: decimal,
    status: z.enum(['active', 'captured', 'released', 'expired']),
    expiresAt: timestamp,
    available: decimal.openapi({
      description: "What the wallet may spend in the hold's currency once the call committed.",
    }),
    txTime: timestamp,
    replayed: z.boolean(),
  })
  .openapi('HoldResult');

const captureSide = z
  .object({ accountId: z.string(), previousBalance: decimal, currentBalance: decimal })
  .openapi('CaptureSide');

/**
 * The result of capturing a hold.
 *
 * @example
 * CaptureResult.shape.released;
 */
export const CaptureResult = z
  .object({
    transactionId: z.string(),
    holdId: z.string(),
    txTime: timestamp,
    replayed: z.boolean(),
    captured: decimal.openapi({ description: 'The amount debited from the holder.' }),
    released: decimal.openapi({
      description: 'The rest of the hold, released (zero when captured in full).',
    }),
    from: captureSide,
    to: captureSide
      .nullable()
      .openapi({ description: 'The wallet credited when captured to another wallet; else null.' }),
  })
  .openapi('CaptureResult');

const postingLegResult = z
  .object({
    accountId: z.string(),
    currency: z.string(),
    direction: z.enum(['debit', 'credit']),
    amount: decimal,
    previousBalance: decimal,
    currentBalance: decimal,
  })
  .openapi('PostingLeg');

/**
 * The result of a posting.
 *
 * @example
 * PostingResult.shape.legs;
 */
export const PostingResult = z
  .object({
    transactionId: z.string(),
    txTime: timestamp,
    replayed: z.boolean(),
    legs: z.array(postingLegResult).openapi({ description: "In the order of the request's legs." }),
  })
  .openapi('PostingResult');

/**
 * The outcome of verifying a wallet's hash chain and balances.
 *
 * @example
 * VerificationReport.shape.problems;
 */
export const VerificationReport = z
  .object({
    ok: z.boolean(),
    entries: z.number().int(),
    headHash: z.string().openapi({ pattern: '^[0-9a-f]{64}$' }),
    problems: z.array(z.string()),
    digest: z
      .object({ digestId: z.string(), sequence: z.number().int().nullable() })
      .optional()
      .openapi({
        description:
          'With a digest given: its id and the sequence its leaf holds for the wallet, null when it holds none (the wallet was created after it).',
      }),
  })
  .openapi('VerificationReport');

const hash64 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits' })
  .openapi({ pattern: '^[0-9a-f]{64}$' });

/**
 * A digest (DESIGN section 10): every wallet's head folded into one Merkle root.
 *
 * @example
 * Digest.shape.root;
 */
export const Digest = z
  .object({
    digestId: z.string().max(64),
    createdAt: timestamp,
    wallets: z.number().int().min(0),
    root: hash64,
    algorithm: z.literal('sha256-merkle-v1'),
  })
  .openapi('Digest');

/**
 * The proof that ties one wallet's head to a digest's root.
 *
 * @example
 * DigestProof.shape.path;
 */
export const DigestProof = z
  .object({
    digestId: z.string().max(64),
    root: hash64,
    leaf: z.object({
      accountId,
      sequence: z.number().int().min(0),
      hash: hash64,
    }),
    path: z
      .array(z.object({ side: z.enum(['left', 'right']), hash: hash64 }))
      .max(64)
      .openapi({ description: 'The siblings from the leaf up, lowest first.' }),
  })
  .openapi('DigestProof');

/**
 * `GET /v1/digests` body.
 *
 * @example
 * DigestPage.shape.items;
 */
export const DigestPage = z
  .object({ items: z.array(Digest), nextCursor: z.string().nullable() })
  .openapi('DigestPage');

/**
 * `GET /v1/digests` query.
 *
 * @example
 * ListDigestsQuery.parse({ limit: '10' });
 */
export const ListDigestsQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^[0-9]{1,9}$/, { error: 'limit must be an integer from 1 to 1000' })
    .optional()
    .openapi({ type: 'integer', minimum: 1, maximum: 1000, default: 50 }),
  cursor: z.string().optional().openapi({ description: 'The `nextCursor` of the previous page.' }),
});

/**
 * The path parameter of `/v1/digests/{digestId}`.
 *
 * @example
 * DigestParams.parse({ digestId: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79' });
 */
export const DigestParams = z.object({
  digestId: z.string().openapi({
    param: { name: 'digestId', in: 'path' },
    example: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79',
  }),
});

/**
 * `GET /v1/wallets/{accountId}/proof` query.
 *
 * @example
 * ProofQuery.parse({ digestId: '0193b0c2-7d1e-7a4b-9c1f-2e3d4c5b6a79' });
 */
export const ProofQuery = z.strictObject({
  digestId: z.string().optional().openapi({ description: 'The digest; the newest when absent.' }),
});

/**
 * `POST /v1/wallets/{accountId}/verify` body: the digest or proof to check the wallet against,
 * as published outside the ledger.
 *
 * @example
 * VerifyBody.parse({ digest });
 */
export const VerifyBody = z
  .strictObject({ digest: z.union([DigestProof, Digest]) })
  .openapi('VerifyRequest');

/**
 * `GET /healthz` body.
 *
 * @example
 * Health.parse({ status: 'ok' });
 */
export const Health = z.object({ status: z.literal('ok') }).openapi('Health');

/**
 * The body of every error response.
 *
 * @example
 * ErrorResponse.parse({ error: { code: 'FORBIDDEN', message: 'this caller lacks the credit scope' } });
 */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      details: z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
        .optional(),
    }),
  })
  .openapi('Error');

import {
  type CaptureHoldInput,
  type Currency,
  decimalToUnits,
  type ExchangeInput,
  type FundsInput,
  isWalletError,
  type JournalEntry,
  type PlaceHoldInput,
  type PostingInput,
  parseAmount,
  type ReleaseHoldInput,
  type ReverseInput,
  type TransferInput,
  type WalletService,
} from '@wallet/core';
import { hash32, randomInt, seededRandom } from './random.js';

/**
 * One call a simulation worker made, and how it ended.
 *
 * @example
 * const unknown = run.records.filter((record: CallRecord) => record.outcome.kind === 'unknown');
 */
export type CallRecord =
  | {
      /** The service method called. */
      operation: 'addFunds' | 'withdrawFunds';
      /** What it was called with. */
      request: FundsInput & {
        /** The call's own idempotency key. */
        idempotencyKey: string;
      };
      /** How it ended. */
      outcome: Outcome;
    }
  | {
      /** The service method called. */
      operation: 'transfer';
      /** What it was called with. */
      request: TransferInput & {
        /** The call's own idempotency key. */
        idempotencyKey: string;
      };
      /** How it ended. */
      outcome: Outcome;
    }
  | {
      /** The service method called. */
      operation: 'exchange';
      /** What it was called with. */
      request: ExchangeInput & {
        /** The call's own idempotency key. */
        idempotencyKey: string;
      };
      /** How it ended. */
      outcome: Outcome;
    }
  | {
      /** The service method called. */
      operation: 'post';
      /** What it was called with. */
      request: PostingInput & {
        /** The call's own idempotency key. */
        idempotencyKey: string;
      };
      /** How it ended. */
      outcome: Outcome;
    }
  | {
      /** The service method called. */
      operation: 'placeHold';
      /** What it was called with. */
      request: PlaceHoldInput & {
        /** The call's own idempotency key. */
        idempotencyKey: string;
      };
      /** How it ended. */
      outcome: Outcome;
    }
  | {
      /** The service method called. */
      operation: 'captureHold';
      /** What it was called with. */
      request: CaptureHoldInput & {
        /** The call's own idempotency key. */
        idempotencyKey: string;
      };
      /** The holder, currency and amount of the hold captured. */
      hold: {
        /** The holder. */
        accountId: string;
        /** The hold's currency code. */
        currency: string;
        /** The hold's amount. */
        amount: string;
      };
      /** How it ended. */
      outcome: Outcome;
    }
  | {
      /** The service method called. */
      operation: 'releaseHold';
      /** What it was called with. */
      request: ReleaseHoldInput & {
        /** The call's own idempotency key. */
        idempotencyKey: string;
      };
      /** How it ended. */
      outcome: Outcome;
    }
  | {
      /** The service method called. */
      operation: 'reverseTransaction';
      /** What it was called with. */
      request: ReverseInput & {
        /** The call's own idempotency key. */
        idempotencyKey: string;
      };
      /** The call reversed, acknowledged earlier. */
      original: CallRecord;
      /** How it ended. */
      outcome: Outcome;
    };

/**
 * `ok`: acknowledged with this transaction id. `refused`: a definite business error, nothing may
 * have been written. `unknown`: retries ran out on a retryable error; it may or may not have applied.
 *
 * @example
 * const acknowledged = (outcome: Outcome) => outcome.kind === 'ok';
 */
export type Outcome =
  | {
      /** Acknowledged. */
      kind: 'ok';
      /** The transaction id the result named; empty for `placeHold` and `releaseHold`. */
      transactionId: string;
      /** The hold the result named, for the hold operations. */
      holdId?: string;
    }
  | {
      /** Refused with a business error. */
      kind: 'refused';
      /** The wallet error code. */
      code: string;
    }
  | {
      /** Failed on a retryable error. */
      kind: 'unknown';
      /** The wallet error code of the last attempt. */
      code: string;
    };

/**
 * How to run a bank simulation.
 *
 * @example
 * const options: BankSimulationOptions = { service, accountIds: ['a', 'b', 'c'], workers: 8, operationsPerWorker: 50, seed: 1, keyPrefix: 'sim1' };
 */
export interface BankSimulationOptions {
  /** The service under test, usually `withRetries` over a faulty ledger. */
  service: WalletService;
  /** Existing wallets; at least two. */
  accountIds: readonly string[];
  /** Concurrent workers. */
  workers: number;
  /** Calls per worker; the run also stops at `durationMs` when given. */
  operationsPerWorker: number;
  /** Stop starting calls after this long, in milliseconds; no time limit when absent. */
  durationMs?: number;
  /** Seeds every worker's generator: the same seed makes the same calls. */
  seed: number;
  /** Prefixes every idempotency key, so runs sharing a ledger never collide. */
  keyPrefix: string;
}

/**
 * Every call of a simulation, for {@link checkBank}.
 *
 * @example
 * const run: BankSimulation = await runBankSimulation(options);
 * console.log(run.records.length);
 */
export interface BankSimulation {
  /** Every call made, each with its outcome. */
  records: CallRecord[];
  /** The balances before the run, read through the service. */
  initial: Map<string, Record<string, string>>;
}

/**
 * Runs workers that make random calls of every operation that moves money or reserves it
 * (`addFunds`, `withdrawFunds`, `transfer`, `exchange`, 3-leg `post`, `placeHold`,
 * `captureHold` in part to another wallet, `releaseHold`, and full `reverseTransaction` of an
 * earlier acknowledged call), each with its own idempotency key, recording every call and its
 * outcome. Each worker's calls come from its own seeded generator, so a seed replays the same
 * calls.
 *
 * @example
 * const run = await runBankSimulation({ service, accountIds, workers: 8, operationsPerWorker: 50, seed: 1, keyPrefix: 'sim1' });
 * const report = await checkBank(reader, run);
 */
export async function runBankSimulation(options: BankSimulationOptions): Promise<BankSimulation> {
  const { service, accountIds } = options;
  const initial = new Map<string, Record<string, string>>();
  for (const accountId of accountIds) {
    initial.set(accountId, (await service.getFunds({ accountId })).balances);
  }
  const codes = service.currencies.codes;
  const records: CallRecord[] = [];
  const deadline = options.durationMs === undefined ? Infinity : Date.now() + options.durationMs;

  async function worker(index: number): Promise<void> {
    const random = seededRandom(hash32(`${options.seed}|worker-${index}`));
    /** This worker's holds placed and not yet settled. */
    const held: { holdId: string; accountId: string; currency: string; amount: string }[] = [];
    /** This worker's acknowledged calls that a reversal may undo. */
    const acknowledged: CallRecord[] = [];
    for (let n = 0; n < options.operationsPerWorker && Date.now() < deadline; n++) {
      const idempotencyKey = `${options.keyPrefix}:${index}:${n}`;
      const accountId = accountIds[randomInt(random, 0, accountIds.length - 1)]!;
      const currency = codes[randomInt(random, 0, codes.length - 1)]!;
      const amount = randomAmount(random, service.currencies.get(currency));
      const choice = randomInt(random, 0, 8);
      const other = (offset = randomInt(random, 1, accountIds.length - 1)) =>
        accountIds[(accountIds.indexOf(accountId) + offset) % accountIds.length]!;
      let record: CallRecord;
      if (choice === 0 || choice === 1) {
        const operation = choice === 0 ? 'addFunds' : 'withdrawFunds';
        const request = { accountId, currency, amount, idempotencyKey };
        record = { operation, request, outcome: await outcomeOf(service[operation](request)) };
      } else if (choice === 2) {
        const request = {
          fromAccountId: accountId,
          toAccountId: other(),
          currency,
          amount,
          idempotencyKey,
        };
        record = {
          operation: 'transfer',
          request,
          outcome: await outcomeOf(service.transfer(request)),
        };
      } else if (choice === 3) {
        const otherCurrency =
          codes[(codes.indexOf(currency) + randomInt(random, 1, codes.length - 1)) % codes.length]!;
        const request = {
          accountId,
          from: { currency, amount },
          to: {
            currency: otherCurrency,
            amount: randomAmount(random, service.currencies.get(otherCurrency)),
          },
          idempotencyKey,
        };
        record = {
          operation: 'exchange',
          request,
          outcome: await outcomeOf(service.exchange(request)),
        };
      } else if (choice === 4 && accountIds.length >= 3) {
        // A trade with a fee: the buyer pays the amount, the seller and the house share it.
        const unit = service.currencies.get(currency);
        const total = parseAmount(amount, unit.scale);
        const fee = total / 10n;
        const request = {
          legs: [
            { accountId, currency, direction: 'debit' as const, amount },
            {
              accountId: other(1),
              currency,
              direction: 'credit' as const,
              amount: unit.render(total - fee),
            },
            ...(fee > 0n
              ? [
                  {
                    accountId: other(2),
                    currency,
                    direction: 'credit' as const,
                    amount: unit.render(fee),
                  },
                ]
              : []),
          ],
          idempotencyKey,
        };
        record = { operation: 'post', request, outcome: await outcomeOf(service.post(request)) };
      } else if (choice === 5 || (choice === 6 && held.length === 0)) {
        const request = { accountId, currency, amount, idempotencyKey };
        const outcome = await outcomeOf(service.placeHold(request));
        if (outcome.kind === 'ok' && outcome.holdId) {
          held.push({ holdId: outcome.holdId, accountId, currency, amount });
        }
        record = { operation: 'placeHold', request, outcome };
      } else if (choice === 6) {
        const hold = held.splice(randomInt(random, 0, held.length - 1), 1)[0]!;
        const unit = service.currencies.get(hold.currency);
        if (randomInt(random, 0, 2) === 0) {
          const request = { holdId: hold.holdId, idempotencyKey };
          record = {
            operation: 'releaseHold',
            request,
            outcome: await outcomeOf(service.releaseHold(request)),
          };
        } else {
          const part = (parseAmount(hold.amount, unit.scale) * 3n) / 4n;
          const request = {
            holdId: hold.holdId,
            ...(part > 0n ? { amount: unit.render(part) } : {}),
            toAccountId: accountIds[(accountIds.indexOf(hold.accountId) + 1) % accountIds.length]!,
            idempotencyKey,
          };
          record = {
            operation: 'captureHold',
            request,
            hold: { accountId: hold.accountId, currency: hold.currency, amount: hold.amount },
            outcome: await outcomeOf(service.captureHold(request)),
          };
        }
      } else if (choice === 7 && acknowledged.length > 0) {
        const original = acknowledged.splice(randomInt(random, 0, acknowledged.length - 1), 1)[0]!;
        const request = {
          transactionId: (original.outcome as { transactionId: string }).transactionId,
          idempotencyKey,
        };
        record = {
          operation: 'reverseTransaction',
          request,
          original,
          outcome: await outcomeOf(service.reverseTransaction(request)),
        };
      } else {
        const request = { accountId, currency, amount, idempotencyKey };
        record = {
          operation: 'withdrawFunds',
          request,
          outcome: await outcomeOf(service.withdrawFunds(request)),
        };
      }
      if (record.outcome.kind === 'ok' && reversible.has(record.operation)) {
        acknowledged.push(record);
      }
      records.push(record);
    }
  }

  await Promise.all(Array.from({ length: options.workers }, (_, i) => worker(i)));
  return { records, initial };
}

function randomAmount(random: () => number, currency: Currency): string {
  const whole = randomInt(random, 1, 60);
  const digits = Math.min(currency.scale, 2);
  if (digits === 0) return String(whole);
  return `${whole}.${String(randomInt(random, 0, 10 ** digits - 1)).padStart(digits, '0')}`;
}

/** Calls a reversal may undo: those that moved a balance. */
const reversible: ReadonlySet<CallRecord['operation']> = new Set([
  'addFunds',
  'withdrawFunds',
  'transfer',
  'exchange',
  'post',
  'captureHold',
]);

async function outcomeOf(
  call: Promise<{ transactionId?: string; holdId?: string }>,
): Promise<Outcome> {
  try {
    const result = await call;
    // A hold's result names the hold, not the transaction: that one is found by its key.
    return {
      kind: 'ok',
      transactionId: result.transactionId ?? '',
      ...(result.holdId === undefined ? {} : { holdId: result.holdId }),
    };
  } catch (error) {
    if (isWalletError(error)) {
      return error.retryable
        ? { kind: 'unknown', code: error.code }
        : { kind: 'refused', code: error.code };
    }
    throw error;
  }
}

/**
 * What {@link checkBank} found.
 *
 * @example
 * const report: BankReport = await checkBank(reader, run);
 * console.log(`${report.acknowledged}/${report.calls} acknowledged`, report.violations);
 */
export interface BankReport {
  /** One sentence per broken promise; empty when the run was correct. */
  violations: string[];
  /** Calls made. */
  calls: number;
  /** Calls with an `ok` outcome. */
  acknowledged: number;
  /** Calls with a `refused` outcome. */
  refused: number;
  /** Calls with an `unknown` outcome. */
  unknown: number;
  /** Unknown outcomes that turned out to have applied. */
  unknownApplied: number;
  /** Journal entries read across the simulated wallets. */
  entries: number;
}

/**
 * Proves a simulation kept every promise, reading the ledger through `reader` (a service with no
 * injected faults): each wallet's balances equal its opening balances plus every acknowledged
 * operation (and every unknown one the journal shows applied); no idempotency key applied twice;
 * no refused call left an entry; every acknowledged call's transaction is in the journal; no
 * balance left its currency's bounds; every wallet verifies.
 *
 * @example
 * expect((await checkBank(reader, run)).violations).toEqual([]);
 */
export async function checkBank(reader: WalletService, run: BankSimulation): Promise<BankReport> {
  const violations: string[] = [];
  const currencies = reader.currencies;
  const byKey = new Map<string, Set<string>>();
  let entryCount = 0;
  for (const accountId of run.initial.keys()) {
    const report = await reader.verifyWallet({ accountId });
    for (const problem of report.problems) violations.push(`${accountId}: ${problem}`);
    for (const entry of await fullJournal(reader, accountId)) {
      entryCount++;
      checkBounds(entry, currencies.get(entry.currency), violations);
      if (entry.idempotencyKey === null) continue;
      const ids = byKey.get(entry.idempotencyKey) ?? new Set<string>();
      ids.add(entry.transactionId);
      byKey.set(entry.idempotencyKey, ids);
    }
  }
  for (const [key, ids] of byKey) {
    if (ids.size > 1) violations.push(`key ${key} applied ${ids.size} times`);
  }

  const expected = new Map<string, Map<string, bigint>>();
  for (const [accountId, balances] of run.initial) {
    const units = new Map<string, bigint>();
    for (const [code, text] of Object.entries(balances)) {
      units.set(code, decimalToUnits(text, currencies.get(code).scale) ?? 0n);
    }
    expected.set(accountId, units);
  }
  const move = (accountId: string, code: string, amount: string, sign: 1n | -1n) => {
    const units = expected.get(accountId)!;
    units.set(
      code,
      (units.get(code) ?? 0n) + sign * parseAmount(amount, currencies.get(code).scale),
    );
  };

  const counts = { acknowledged: 0, refused: 0, unknown: 0, unknownApplied: 0 };
  for (const record of run.records) {
    const applied = byKey.get(record.request.idempotencyKey);
    const { outcome } = record;
    if (outcome.kind === 'ok') {
      counts.acknowledged++;
      const found =
        outcome.transactionId === '' ? applied !== undefined : applied?.has(outcome.transactionId);
      if (!found) {
        violations.push(
          `acknowledged ${record.operation} ${record.request.idempotencyKey} is not in the journal`,
        );
      }
    } else if (outcome.kind === 'refused') {
      counts.refused++;
      if (applied)
        violations.push(
          `refused ${record.operation} ${record.request.idempotencyKey} (${outcome.code}) left entries`,
        );
    } else {
      counts.unknown++;
      if (applied) counts.unknownApplied++;
    }
    if (!applied) continue;
    for (const [accountId, code, amount, sign] of movements(record))
      move(accountId, code, amount, sign);
  }

  for (const [accountId, units] of expected) {
    const { balances, held } = await reader.getFunds({ accountId });
    for (const [code, value] of units) {
      const currency = currencies.get(code);
      const actual = balances[code];
      const wanted = currency.render(value);
      if (actual !== wanted) {
        violations.push(`${accountId} holds ${actual} ${code}; its operations add up to ${wanted}`);
      }
      const reserved = decimalToUnits(held[code] ?? '0', currency.scale) ?? 0n;
      if (reserved < 0n || value - reserved < currency.minUnits) {
        violations.push(
          `${accountId} holds ${held[code]} ${code} of ${actual}: more than it may spend`,
        );
      }
    }
  }
  return { violations, calls: run.records.length, ...counts, entries: entryCount };
}

type Movement = [accountId: string, currency: string, amount: string, sign: 1n | -1n];

/** The balance changes a call makes when it applies. The simulation names every currency. */
function movements(record: CallRecord): Movement[] {
  switch (record.operation) {
    case 'addFunds':
    case 'withdrawFunds': {
      const { accountId, currency, amount } = record.request;
      return [[accountId, currency!, String(amount), record.operation === 'addFunds' ? 1n : -1n]];
    }
    case 'transfer': {
      const { fromAccountId, toAccountId, currency, amount } = record.request;
      return [
        [fromAccountId, currency!, String(amount), -1n],
        [toAccountId, currency!, String(amount), 1n],
      ];
    }
    case 'exchange': {
      const { accountId, from, to } = record.request;
      return [
        [accountId, from.currency, String(from.amount), -1n],
        [accountId, to.currency, String(to.amount!), 1n],
      ];
    }
    case 'post':
      return record.request.legs.map((leg) => [
        leg.accountId,
        leg.currency!,
        String(leg.amount),
        leg.direction === 'credit' ? 1n : -1n,
      ]);
    case 'placeHold':
    case 'releaseHold':
      return [];
    case 'captureHold': {
      // The simulation captures three quarters to the next wallet, or all of a hold too small
      // to split (then the request names no amount).
      const amount = record.request.amount ?? record.hold.amount;
      return [
        [record.hold.accountId, record.hold.currency, String(amount), -1n],
        [record.request.toAccountId!, record.hold.currency, String(amount), 1n],
      ];
    }
    case 'reverseTransaction':
      return movements(record.original).map(([accountId, currency, amount, sign]) => [
        accountId,
        currency,
        amount,
        sign === 1n ? -1n : 1n,
      ]);
  }
}

function checkBounds(entry: JournalEntry, currency: Currency, violations: string[]): void {
  const after = decimalToUnits(entry.balanceAfter, currency.scale);
  if (after === undefined || after < currency.minUnits || after > currency.maxUnits) {
    violations.push(
      `${entry.accountId} #${entry.sequence}: balance ${entry.balanceAfter} ${entry.currency} is out of bounds`,
    );
  }
}

async function fullJournal(reader: WalletService, accountId: string): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: JournalEntry[]; nextCursor: string | null } =
      await reader.getTransactionHistory({
        accountId,
        order: 'asc',
        limit: 1000,
        cursor,
      });
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

import { decimalToUnits } from './amount.js';
import type { CurrencyRegistry } from './currency.js';
import { GENESIS_HASH, hashEntry } from './hash-chain.js';
import { isCreditType, isDebitType } from './ledger-draft.js';
import type { DigestLeaf } from './merkle.js';
import type { WalletRecord } from './ports.js';
import {
  ENTRY_TYPE_FIELDS,
  ENTRY_TYPES,
  type JournalEntry,
  type VerificationReport,
} from './types.js';

const ENTRY_TYPE_SET: ReadonlySet<string> = new Set(ENTRY_TYPES);
const TYPE_FIELDS = ['reverses', 'reason', 'holdId'] as const;

/** The most problems a report lists; a journal broken everywhere would otherwise fill memory. */
export const MAX_REPORTED_PROBLEMS = 100;

/**
 * Checks a wallet's journal from its entries alone, in ascending order: consecutive sequences
 * from 1, each `prevHash` equal to the previous `hash`, each hash recomputed, each balance
 * continuing the last one of its currency (credits add, debits subtract, `HOLD` and
 * `HOLD_RELEASE` leave it), the fields only some types carry on those types alone, and the
 * last balances, sequence, hash and active holds equal to the wallet's. Every broken rule
 * becomes one sentence in `problems`.
 *
 * @example
 * const report = verifyJournal(wallet, entries, currencies);
 * if (!report.ok) console.error(report.problems);
 */
export function verifyJournal(
  wallet: WalletRecord,
  entries: readonly JournalEntry[],
  currencies: CurrencyRegistry,
): VerificationReport {
  const verifier = new JournalVerifier(wallet.accountId, currencies);
  for (const entry of entries) verifier.add(entry);
  return verifier.finish(wallet);
}

/**
 * {@link verifyJournal} one entry at a time, so a journal can be checked page by page in
 * memory bounded by one page: it keeps only the last hash, the running balances and at most
 * {@link MAX_REPORTED_PROBLEMS} problems.
 *
 * @example
 * const verifier = new JournalVerifier('p1', currencies);
 * for await (const page of pages) for (const entry of page) verifier.add(entry);
 * const report = verifier.finish(wallet);
 */
export class JournalVerifier {
  readonly #accountId: string;
  readonly #currencies: CurrencyRegistry;
  readonly #balances = new Map<string, bigint>();
  /** The holds the chain placed and has not yet settled: id to currency, amount and placement time. */
  readonly #openHolds = new Map<string, { currency: string; amount: string; txTime: string }>();
  /** The last hold settled, with its transaction: `<transactionId> <holdId>`. */
  #settled = '';
  readonly #problems: string[] = [];
  #unlisted = 0;
  #count = 0;
  #prevHash = GENESIS_HASH;
  /** The head a digest holds for the wallet, checked as its entry passes. */
  #anchor: { digestId: string; leaf: DigestLeaf | null; seen: boolean } | undefined;

  constructor(accountId: string, currencies: CurrencyRegistry) {
    this.#accountId = accountId;
    this.#currencies = currencies;
  }

  /** How many entries were added so far. */
  get entries(): number {
    return this.#count;
  }

  /**
   * Checks, besides the chain, that the entry at `leaf.sequence` has `leaf.hash`: the head the
   * digest `digestId` holds for the wallet (`leaf` null: it holds none); `problems` found with
   * the digest itself join the report. Call before `add`.
   */
  anchor(digestId: string, leaf: DigestLeaf | null, problems: readonly string[] = []): void {
    this.#anchor = { digestId, leaf, seen: false };
    for (const problem of problems) this.#problem(problem);
    if (leaf !== null && leaf.sequence === 0 && leaf.hash !== GENESIS_HASH) {
      this.#problem(`digest ${digestId}: holds sequence 0 with a hash other than the genesis hash`);
    }
  }

  /** Checks the next entry of the journal, in ascending order. */
  add(entry: JournalEntry): void {
    this.#count++;
    const index = this.#count;
    // Built only for a problem: most entries have none, and this runs once an entry.
    const where = new Where(index, entry.sequence);
    if (entry.sequence !== index) {
      this.#problem(`${where}: expected sequence ${index}; entries are missing or out of order`);
    }
    if (entry.accountId !== this.#accountId) {
      this.#problem(`${where}: belongs to ${entry.accountId}, not ${this.#accountId}`);
    }
    if (entry.prevHash !== this.#prevHash) {
      this.#problem(`${where}: prevHash does not match the previous entry's hash`);
    }
    if (hashEntry(entry) !== entry.hash) {
      this.#problem(`${where}: hash does not match its contents`);
    }
    checkAmounts(entry, where, this.#balances, this.#currencies, this.#report);
    this.#checkTypeFields(entry, where);
    const leaf = this.#anchor?.leaf;
    if (leaf && entry.sequence === leaf.sequence) {
      this.#anchor!.seen = true;
      if (entry.hash !== leaf.hash) {
        this.#problem(
          `${where}: differs from digest ${this.#anchor!.digestId}, which holds hash ${leaf.hash}; history before the digest was rewritten`,
        );
      }
    }
    this.#prevHash = entry.hash;
  }

  /** The fields only some types carry are on those, and only those; holds open and close. */
  #checkTypeFields(entry: JournalEntry, where: Where): void {
    const expected = ENTRY_TYPE_FIELDS[entry.type] ?? [];
    for (const field of TYPE_FIELDS) {
      const present = entry[field] !== undefined;
      if (present !== expected.includes(field)) {
        this.#problem(
          `${where}: a ${entry.type} entry ${present ? 'must not carry' : 'must carry'} ${field}`,
        );
      }
    }
    const { holdId } = entry;
    if (holdId === undefined) return;
    if (entry.type === 'HOLD') {
      if (this.#openHolds.has(holdId)) this.#problem(`${where}: places hold ${holdId} twice`);
      this.#openHolds.set(holdId, {
        currency: entry.currency,
        amount: entry.amount,
        txTime: entry.txTime,
      });
    } else if (this.#openHolds.delete(holdId)) {
      this.#settled = `${entry.transactionId} ${holdId}`;
    } else if (this.#settled !== `${entry.transactionId} ${holdId}`) {
      // Only the rest of a hold captured in part is released after its capture, in its transaction.
      this.#problem(`${where}: settles hold ${holdId}, which the journal has no open HOLD for`);
    }
  }

  /** The report, once every entry was added, checked against the wallet as stored. */
  finish(wallet: WalletRecord): VerificationReport {
    checkHead(wallet, this.#count, this.#prevHash, this.#balances, this.#currencies, this.#report);
    this.#checkHolds(wallet);
    const anchor = this.#anchor;
    if (anchor?.leaf && anchor.leaf.sequence > 0 && !anchor.seen) {
      this.#problem(
        `digest ${anchor.digestId}: holds entry ${anchor.leaf.sequence}, which the journal does not have`,
      );
    }
    const problems = [...this.#problems];
    if (this.#unlisted > 0) problems.push(`... and ${this.#unlisted} more problems`);
    const report: VerificationReport = {
      ok: problems.length === 0,
      entries: this.#count,
      headHash: this.#prevHash,
      problems,
    };
    if (anchor) {
      report.digest = { digestId: anchor.digestId, sequence: anchor.leaf?.sequence ?? null };
    }
    return report;
  }

  #problem(problem: string): void {
    if (this.#problems.length < MAX_REPORTED_PROBLEMS) this.#problems.push(problem);
    else this.#unlisted++;
  }

  /** The wallet's active holds are exactly the holds the chain left open (held = their sum). */
  #checkHolds(wallet: WalletRecord): void {
    const stored = new Map((wallet.holds ?? []).map((hold) => [hold.holdId, hold]));
    for (const [holdId, open] of this.#openHolds) {
      const hold = stored.get(holdId);
      if (hold === undefined) {
        this.#problem(`wallet: hold ${holdId} is open in the journal but not on the wallet`);
      } else if (hold.currency !== open.currency || hold.amount !== open.amount) {
        this.#problem(
          `wallet: hold ${holdId} holds ${hold.amount} ${hold.currency}, the journal ${open.amount} ${open.currency}`,
        );
      } else if (hold.placedAt !== undefined && hold.placedAt !== open.txTime) {
        // placedAt also says the hold has no record yet: a changed one would mislead reads.
        this.#problem(
          `wallet: hold ${holdId} was placed at ${hold.placedAt}, the journal's HOLD at ${open.txTime}`,
        );
      }
    }
    for (const holdId of stored.keys()) {
      if (!this.#openHolds.has(holdId)) {
        this.#problem(`wallet: hold ${holdId} is on the wallet but not open in the journal`);
      }
    }
  }

  readonly #report = (problem: string): void => this.#problem(problem);
}

function checkAmounts(
  entry: JournalEntry,
  where: Where,
  balances: Map<string, bigint>,
  currencies: CurrencyRegistry,
  report: (problem: string) => void,
): void {
  if (!currencies.has(entry.currency)) {
    report(`${where}: currency ${entry.currency} is not configured`);
    return;
  }
  if (!ENTRY_TYPE_SET.has(entry.type)) {
    report(`${where}: unknown type ${entry.type}`);
    return;
  }
  const currency = currencies.get(entry.currency);
  const amount = exact(entry.amount, currency.scale);
  const before = exact(entry.balanceBefore, currency.scale);
  const after = exact(entry.balanceAfter, currency.scale);
  if (amount === undefined || before === undefined || after === undefined) {
    report(`${where}: amounts are not decimals rendered at scale ${currency.scale}`);
    return;
  }
  if (amount <= 0n) report(`${where}: amount must be greater than 0`);
  const last = balances.get(entry.currency) ?? 0n;
  if (before !== last) {
    report(
      `${where}: balanceBefore ${entry.balanceBefore} does not continue the last ${entry.currency} balance ${currency.render(last)}`,
    );
  }
  const sign = isCreditType(entry.type) ? '+' : isDebitType(entry.type) ? '-' : '';
  const expected = sign === '+' ? before + amount : sign === '-' ? before - amount : before;
  if (after !== expected) {
    report(
      sign === ''
        ? `${where}: a ${entry.type} entry must leave balanceAfter equal to balanceBefore`
        : `${where}: balanceAfter ${entry.balanceAfter} is not balanceBefore ${sign} amount`,
    );
  }
  balances.set(entry.currency, after);
}

/** Where an entry is in the journal, written out (`entry 3 (sequence 3)`) only when reported. */
class Where {
  constructor(
    readonly index: number,
    readonly sequence: number,
  ) {}

  toString(): string {
    return `entry ${this.index} (sequence ${this.sequence})`;
  }
}

/** Minor units of a decimal only when it is rendered exactly as the SDK renders it. */
function exact(text: string, scale: number): bigint | undefined {
  const units = typeof text === 'string' ? decimalToUnits(text, scale) : undefined;
  if (units === undefined) return undefined;
  // The digits after the point, counted without splitting: this runs three times an entry.
  const point = text.indexOf('.');
  return (point === -1 ? 0 : text.length - point - 1) === scale ? units : undefined;
}

function checkHead(
  wallet: WalletRecord,
  entries: number,
  headHash: string,
  balances: Map<string, bigint>,
  currencies: CurrencyRegistry,
  report: (problem: string) => void,
): void {
  if (wallet.sequence !== entries) {
    report(`wallet: its sequence is ${wallet.sequence} but the journal has ${entries} entries`);
  }
  if (wallet.headHash !== headHash) {
    report('wallet: its head hash does not match the last entry');
  }
  const codes = new Set([...Object.keys(wallet.balances), ...balances.keys()]);
  for (const code of codes) {
    if (!currencies.has(code)) continue;
    const currency = currencies.get(code);
    const stored = wallet.balances[code] ?? '0';
    const held = decimalToUnits(stored, currency.scale);
    const journal = balances.get(code) ?? 0n;
    if (held !== journal) {
      report(
        `wallet: its ${code} balance ${stored} differs from the journal's ${currency.render(journal)}`,
      );
    }
  }
}
